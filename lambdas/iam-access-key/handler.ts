import { createRotationHandler } from '../core/handler';
import { IamAccessKeyStrategy } from './strategy';

export const handler = createRotationHandler(new IamAccessKeyStrategy());
