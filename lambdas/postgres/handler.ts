import { createRotationHandler } from '../core/handler';
import { DatabaseRotationStrategy } from '../database/strategy';
import { POSTGRES_ENGINE } from './engine';

export const handler = createRotationHandler(new DatabaseRotationStrategy(POSTGRES_ENGINE));
