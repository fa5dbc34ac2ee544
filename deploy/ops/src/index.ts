/** tributary-ops as a library: what the CLI does, for tests and other tools. */
export { OpsError, type OpsErrorCode } from './errors.ts';
export { type KubeClients, type KubeTarget, kubeClients } from './kube/kube-clients.ts';
export { ANNOTATIONS, LABELS } from './kube/labels.ts';
export { describeDeployment, type PodState, type ServiceDeployment } from './kube/release.ts';
export { type RestartResult, restartService } from './restart.ts';
export { type ScaleOptions, type ScaleResult, scaleService } from './scale.ts';
export { defaultInputsOf, type ServiceInputs } from './service-inputs.ts';
export { type ReleaseStatus, releaseStatus, type StatusOptions } from './status.ts';
export {
  createDeclaredTopics,
  declaredTopics,
  describeDeclaredTopics,
  type TopicsReport,
  topicRegistry,
} from './topics.ts';
