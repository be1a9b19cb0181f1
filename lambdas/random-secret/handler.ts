import { createRotationHandler } from '../core/handler';
import { RandomSecretStrategy } from './strategy';

export const handler = createRotationHandler(new RandomSecretStrategy());
