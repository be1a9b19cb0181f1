export { ROOT_ACCESS_KEY_ID, ROOT_SECRET_ACCESS_KEY } from './iam-operations';
export { createIam, IAM_NAMESPACE, type IamOptions, type IamService } from './iam-service';
export { ACCESS_KEYS_PER_USER } from './iam-state';
