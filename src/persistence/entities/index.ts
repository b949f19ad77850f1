export { DeploymentEntity } from "./deployment.js";
export { ProcessDefinitionEntity } from "./process-definition.js";
export { FormEntity } from "./form.js";
export { ProcessInstanceEntity } from "./process-instance.js";
export { ElementInstanceEntity } from "./element-instance.js";
export { VariableEntity } from "./variable.js";
export { JoinTokenEntity } from "./join-token.js";
export { JobEntity } from "./job.js";
export { UserTaskEntity } from "./user-task.js";
export { IncidentEntity } from "./incident.js";
export { HistoryEntity } from "./history.js";
export { EngineMetaEntity } from "./engine-meta.js";
export { IdentityUserEntity } from "./identity-user.js";
export { IdentityGroupEntity } from "./identity-group.js";
export { IdentityRoleEntity } from "./identity-role.js";
export { IdentityMembershipEntity } from "./identity-membership.js";
export { ApiTokenEntity } from "./api-token.js";
export { WebSessionEntity } from "./web-session.js";
export { EventSubscriptionEntity } from "./event-subscription.js";
export { MessageEntity } from "./message.js";
export { MessageCorrelationEntity } from "./message-correlation.js";
export { MessageStartLockEntity } from "./message-start-lock.js";
export { CompensationSubscriptionEntity } from "./compensation-subscription.js";
export { UserTaskCandidateEntity } from "./user-task-candidate.js";
export { ElementStatisticsEntity } from "./element-statistics.js";

import { DeploymentEntity } from "./deployment.js";
import { ProcessDefinitionEntity } from "./process-definition.js";
import { FormEntity } from "./form.js";
import { ProcessInstanceEntity } from "./process-instance.js";
import { ElementInstanceEntity } from "./element-instance.js";
import { VariableEntity } from "./variable.js";
import { JoinTokenEntity } from "./join-token.js";
import { JobEntity } from "./job.js";
import { UserTaskEntity } from "./user-task.js";
import { IncidentEntity } from "./incident.js";
import { HistoryEntity } from "./history.js";
import { EngineMetaEntity } from "./engine-meta.js";
import { IdentityUserEntity } from "./identity-user.js";
import { IdentityGroupEntity } from "./identity-group.js";
import { IdentityRoleEntity } from "./identity-role.js";
import { IdentityMembershipEntity } from "./identity-membership.js";
import { ApiTokenEntity } from "./api-token.js";
import { WebSessionEntity } from "./web-session.js";
import { EventSubscriptionEntity } from "./event-subscription.js";
import { MessageEntity } from "./message.js";
import { MessageCorrelationEntity } from "./message-correlation.js";
import { MessageStartLockEntity } from "./message-start-lock.js";
import { CompensationSubscriptionEntity } from "./compensation-subscription.js";
import { UserTaskCandidateEntity } from "./user-task-candidate.js";
import { ElementStatisticsEntity } from "./element-statistics.js";

export const ENTITIES = [
  DeploymentEntity, ProcessDefinitionEntity, FormEntity, ProcessInstanceEntity, ElementInstanceEntity, VariableEntity,
  JoinTokenEntity, JobEntity, UserTaskEntity, IncidentEntity, HistoryEntity, EngineMetaEntity,
  IdentityUserEntity, IdentityGroupEntity, IdentityRoleEntity, IdentityMembershipEntity, ApiTokenEntity, WebSessionEntity,
  EventSubscriptionEntity, MessageEntity, MessageCorrelationEntity, MessageStartLockEntity, CompensationSubscriptionEntity,
  UserTaskCandidateEntity, ElementStatisticsEntity,
];
