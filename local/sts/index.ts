export { createSts, STS_NAMESPACE } from './sts-service';
