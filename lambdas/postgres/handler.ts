import { createRotationHandler } from '../core/handler';
import { PostgresSingleUserStrategy } from './strategy';

export const handler = createRotationHandler(new PostgresSingleUserStrategy());
