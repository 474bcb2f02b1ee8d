import type { FastifyInstance } from 'fastify';
import type { AppDependencies } from '../platform/http/app.js';

export async function hsdsRoutes(_app: FastifyInstance, _deps: AppDependencies): Promise<void> {}
