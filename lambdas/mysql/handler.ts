import { createRotationHandler } from '../core/handler';
import { DatabaseRotationStrategy } from '../database/strategy';
import { MYSQL_ENGINE } from './engine';

export const handler = createRotationHandler(new DatabaseRotationStrategy(MYSQL_ENGINE));
