#!/usr/bin/env node
// Writes the six CareDispatch service charts (deploy/helm/<service>/) from one description, so their
// values.yaml, values.schema.json and templates cannot drift apart. Edit SERVICES or the text below,
// then run:  node deploy/helm/generate-service-charts.mjs          (write)
//            node deploy/helm/generate-service-charts.mjs --check  (exit 1 if a chart is out of date)
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HELM_DIR = dirname(fileURLToPath(import.meta.url));
const CHART_VERSION = '0.1.0';
const APP_VERSION = '0.1.0';
const COMMON_VERSION = '0.1.0';

const INGRESS_CONTROLLER_PEER = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
};
const SAME_NAMESPACE_PEER = { podSelector: {} };
// Every service fetches the OpenID Provider's discovery document and JWKS over HTTPS (messaging
// also reaches Twilio); narrow it with an ipBlock of the IdP when it runs in a known network.
const PUBLIC_HTTPS_EGRESS = {
  to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
  ports: [{ port: 443, protocol: 'TCP' }],
};

const PUBLIC_SMTP_EGRESS = {
  to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] } }],
  ports: [
    { port: 465, protocol: 'TCP' },
    { port: 587, protocol: 'TCP' },
  ],
};

/**
 * Reliability settings every service reads (README configuration table). A Kubernetes
 * deployment runs against a replicated Kafka cluster: topics get 3 replicas and need 2 in sync.
 */
const COMMON_ENV = [
  ['KAFKA_TOPIC_REPLICATION_FACTOR', '3', 'Replicas of each topic (and .dlq) the service creates; 3 on a cluster.'],
  ['KAFKA_TOPIC_MIN_INSYNC_REPLICAS', '2', 'min.insync.replicas of those topics; acks=all writes need this many replicas.'],
  ['DATABASE_CONNECT_TIMEOUT_MS', '5000', 'PostgreSQL connect timeout, in milliseconds.'],
  ['DATABASE_STATEMENT_TIMEOUT_MS', '30000', 'PostgreSQL statement_timeout, in milliseconds.'],
  ['DATABASE_LOCK_TIMEOUT_MS', '10000', 'PostgreSQL lock_timeout, in milliseconds.'],
  ['DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', '60000', 'PostgreSQL idle_in_transaction_session_timeout, in milliseconds.'],
  ['OUTBOX_MAX_ROW_FAILURES', '5', 'Non-transient publish failures before an outbox row is parked.'],
  ['OUTBOX_SEND_TIMEOUT_MS', '15000', 'Deadline of one outbox publish round; below the idle-in-transaction timeout.'],
  ['OUTBOX_RETENTION_HOURS', '72', 'Published outbox rows are deleted after this many hours.'],
  ['INBOX_RETENTION_HOURS', '168', 'Processed event ids are kept this long; at least the topic retention.'],
  ['OIDC_ISSUER_URL', '', 'OpenID Provider issuer URL; access tokens must carry it as iss. Required.'],
  ['OIDC_AUDIENCE', '', 'This API\'s audience at the OpenID Provider; access tokens must contain it. Required.'],
  ['OIDC_TENANT_CLAIM', 'tenant_id', 'Claim (name or dotted path) holding the tenant id.'],
  ['OIDC_ROLES_CLAIM', 'roles', 'Claim (name or dotted path) holding the CareDispatch roles, e.g. realm_access.roles.'],
  ['RATE_LIMIT_PER_TENANT', '600', 'Authenticated requests per tenant per window and replica.'],
];

/** PHI encryption at rest (libs/phi-crypto): the services that store patient names, contact data, addresses or message text. */
const PHI_SECRETS = [
  ['PHI_KEKS', 'phi-keys', 'keks', 'JSON object kekId -> base64 of 32 random bytes (key-encryption keys).'],
  ['PHI_BLIND_INDEX_KEY', 'phi-keys', 'blind-index-key', 'Base64 of >= 32 random bytes: HMAC key of phone lookup hashes and geocode-cache keys.'],
];
const PHI_ENV = [
  ['PHI_KEK_ID', '', 'Id in PHI_KEKS that wraps new data keys; rotation re-wraps old ones under it. Required.'],
  ['PHI_KEY_MAINTENANCE_INTERVAL_MS', '3600000', 'How often data keys are re-wrapped and plaintext PHI re-encrypted.'],
];

/** One entry per deployable service: what differs between the charts. */
const SERVICES = [
  {
    name: 'ehr-gateway',
    gatewayMatches: [{ type: 'RegularExpression', value: '^/v1/tenants/[^/]+/webhooks(/.*)?$' }],
    description: 'Receives signed EHR webhooks and publishes appointment events to Kafka.',
    port: 3001,
    env: [
      ['WEBHOOK_TOLERANCE_SECONDS', '300', 'Maximum age of a webhook signature timestamp, in seconds.'],
      ['WEBHOOK_MAX_BODY_BYTES', '1048576', 'Largest accepted webhook body, in bytes.'],
      ['EHR_CONNECTIONS', '{}', 'JSON object tenantId -> EHR connection (FHIR base URL, SMART token URL, client id, key id, algorithm, write-back conventions); {} = no write-back.'],
      ['EHR_WRITE_BACK_GIVE_UP_MINUTES', '60', 'Minutes a write-back retries transient EHR failures before it goes to the staff inbox.'],
      ['EHR_SLOT_POLL_INTERVAL_MS', '300000', 'How often free EHR Slots are read and published on ehr.slot.v1; 0 = only after write-backs.'],
      ...PHI_ENV,
    ],
    secrets: [
      ['EHR_WEBHOOK_SECRETS', 'ehr-gateway-webhook-secrets', 'secrets', 'JSON object tenantId -> webhook signing secret.'],
      ['EHR_PRIVATE_KEYS', 'ehr-gateway-ehr-keys', 'private-keys', 'JSON object tenantId -> PKCS#8 PEM key signing the SMART Backend Services client assertion.'],
      ...PHI_SECRETS,
    ],
    ingressFrom: [INGRESS_CONTROLLER_PEER, SAME_NAMESPACE_PEER],
    extraEgress: [PUBLIC_HTTPS_EGRESS],
    resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '384Mi' } },
  },
  {
    name: 'scheduling',
    gatewayMatches: [{ type: 'RegularExpression', value: '^/v1/tenants/[^/]+/appointments(/.*)?$' }],
    description: 'Owns appointments and slots; publishes scheduling events.',
    port: 3002,
    env: [...PHI_ENV],
    secrets: [...PHI_SECRETS],
    ingressFrom: [SAME_NAMESPACE_PEER],
    extraEgress: [PUBLIC_HTTPS_EGRESS],
    resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '384Mi' } },
  },
  {
    name: 'messaging',
    gatewayMatches: [
      { type: 'PathPrefix', value: '/v1/twilio' },
      // The patient page behind the one-tap links of texts: /a/{token}[/step].
      { type: 'PathPrefix', value: '/a' },
      // A waitlist offer's accept page behind its text's link: /o/{token}[/accept].
      { type: 'PathPrefix', value: '/o' },
    ],
    description: 'Sends appointment reminders by SMS (Twilio) and records delivery status.',
    port: 3003,
    env: [
      ['TWILIO_FROM_NUMBER', '', 'E.164 sender number. Required.'],
      ['TWILIO_API_BASE_URL', '', 'Twilio API base URL; empty = live Twilio.'],
      ['PUBLIC_BASE_URL', '', 'Public URL of this service, for Twilio status callbacks. Required.'],
      ['PRACTICE_NAMES', '', 'Optional JSON object tenantId -> practice display name.'],
      ['LINK_BASE_URL', '', 'Short public origin printed in patient links (at most 24 characters, checked at start, so texts stay one SMS segment); empty = PUBLIC_BASE_URL, which must then be that short.'],
      ['LINK_EXPIRY_BEFORE_START_MS', '0', 'A patient link stops working this long before the visit starts.'],
      ['LINK_RATE_LIMIT_PER_IP_PER_MINUTE', '60', 'Patient page requests per client address per minute and replica.'],
      ['LINK_RATE_LIMIT_PER_LINK_PER_MINUTE', '20', 'Patient page requests per link per minute and replica.'],
      ['MESSAGE_BODY_RETENTION_DAYS', '30', 'Phone numbers and texts of finished messages, and texts of patients\' SMS replies, are dropped after this many days.'],
      ['RESCHEDULE_TEXT_PENDING_MAX_AGE_HOURS', '24', 'A reschedule request whose booking never reached messaging expires without a text after this many hours (or once the visit started).'],
      ['EMAIL_FROM', 'reminders@caredispatch.invalid', 'Sender address of reminder emails (its domain is the Message-ID domain).'],
      ['EMAIL_UNSUBSCRIBE_MAILTO', '', 'Mailbox named in List-Unsubscribe of reminder emails; empty = EMAIL_FROM.'],
      ...PHI_ENV,
    ],
    secrets: [
      ['TWILIO_ACCOUNT_SID', 'messaging-twilio', 'account-sid', 'Twilio account SID.'],
      ['TWILIO_AUTH_TOKEN', 'messaging-twilio', 'auth-token', 'Twilio auth token (also verifies status callbacks).'],
      ['LINK_TOKEN_SECRET', 'messaging-links', 'token-secret', 'Key of the patient links (HMAC of tokens, form MACs); at least 32 characters.'],
      ['SMTP_URL', 'messaging-smtp', 'url', 'smtp(s)://user:pass@host:port of the relay for reminder emails.'],
      ...PHI_SECRETS,
    ],
    ingressFrom: [INGRESS_CONTROLLER_PEER, SAME_NAMESPACE_PEER],
    // SMTP submission (465 implicit TLS, 587 STARTTLS) to the email relay.
    extraEgress: [PUBLIC_HTTPS_EGRESS, PUBLIC_SMTP_EGRESS],
    resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '384Mi' } },
  },
  {
    name: 'dispatch-optimizer',
    gatewayMatches: [
      // The itinerary page behind the link in SMS itineraries: /itineraries/{token}.
      { type: 'PathPrefix', value: '/itineraries' },
    ],
    description: 'Plans home-visit routes with the CareDispatch optimizer.',
    port: 3004,
    env: [
      ...PHI_ENV,
      ['ITINERARY_LINK_BASE_URL', '', 'Public origin of the itinerary page printed in SMS itineraries ({origin}/itineraries/{token}). Required.'],
      ['ITINERARY_PAGE_RATE_LIMIT_PER_IP_PER_MINUTE', '60', 'Itinerary page requests per client address per minute and replica.'],
      ['ITINERARY_PAGE_RATE_LIMIT_PER_LINK_PER_MINUTE', '20', 'Itinerary page requests per link per minute and replica.'],
    ],
    secrets: [
      ...PHI_SECRETS,
      ['ITINERARY_LINK_SECRET', 'dispatch-optimizer-itinerary-links', 'secret', 'Key of the itinerary links (derives tokens, HMAC of stored digests); at least 32 characters.'],
    ],
    // The gateway reaches the itinerary page.
    ingressFrom: [INGRESS_CONTROLLER_PEER, SAME_NAMESPACE_PEER],
    extraEgress: [PUBLIC_HTTPS_EGRESS],
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '768Mi' } },
  },
  {
    name: 'waitlist',
    gatewayMatches: [{ type: 'RegularExpression', value: '^/v1/tenants/[^/]+/waitlist(/.*)?$' }],
    description: 'Ranks waitlisted patients and offers freed slots.',
    port: 3005,
    env: [
      ['WAITLIST_SETTINGS', '{}', 'JSON tenantId -> waitlist policy (waves, holds, eligibility rules).'],
      ['WAITLIST_SCAN_INTERVAL_MS', '5000', 'How often expired holds move to the next wave or an escalation.'],
    ],
    secrets: [],
    ingressFrom: [INGRESS_CONTROLLER_PEER, SAME_NAMESPACE_PEER],
    extraEgress: [PUBLIC_HTTPS_EGRESS],
    resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '384Mi' } },
  },
  {
    name: 'audit-log',
    // Trail and verification under /v1/audit-events; compliance queries, exports and tree heads under /v1/audit.
    gatewayMatches: [
      { type: 'PathPrefix', value: '/v1/audit-events' },
      { type: 'PathPrefix', value: '/v1/audit' },
    ],
    description: 'Append-only, hash-chained audit trail of CareDispatch events.',
    port: 3006,
    env: [
      ['AUDIT_TREE_HEAD_INTERVAL_MS', '300000', 'How often a tree head is signed and anchored for every tenant whose log grew.'],
      ['AUDIT_TREE_HEAD_ANCHORS', 'kafka', 'Where heads are anchored outside the database: kafka, file, or kafka,file.'],
    ],
    secrets: [
      ['AUDIT_TREE_HEAD_SIGNING_KEY', 'audit-log-tree-head', 'signing-key', '<keyId>:<base64 PKCS#8 DER> Ed25519 key that signs tree heads.'],
    ],
    ingressFrom: [SAME_NAMESPACE_PEER],
    extraEgress: [PUBLIC_HTTPS_EGRESS],
    resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { memory: '384Mi' } },
    // The event-trigger guard of the audit retention (services/audit-log/README.md, "Retention").
    retentionGuard: true,
  },
];

/**
 * audit-log only: the Job that installs the retention guard's event triggers. Off by default,
 * because it needs a PostgreSQL superuser, which managed databases rarely hand out.
 */
const RETENTION_GUARD_VALUES = `
# -- The retention guard (\`audit:retention install-guard\`), a post-install/post-upgrade hook Job
# that runs after the migration Job. It installs two event triggers that refuse, even to the
# table OWNER, DROP/DETACH of an audit partition younger than the retention, DISABLE TRIGGER,
# dropping the audit triggers or policies and NO FORCE ROW LEVEL SECURITY, and hands the trigger
# functions to the superuser. PostgreSQL lets only a SUPERUSER create event triggers, so it is off
# by default. Enable it on self-managed PostgreSQL (or a managed service whose admin role may
# create event triggers and is a member of the owner role) with a separate Secret that only this
# Job reads.
# Without it (managed databases without superuser) what still holds: row triggers refuse UPDATE,
# DELETE and TRUNCATE of audit rows to every role; the service's runtime role has INSERT and
# SELECT only, owns nothing and cannot ALTER or DROP; the owner's credentials live only in the
# migration Job's Secret; and a rewrite by whoever holds them is still detected by the signed,
# externally anchored tree heads. What is lost is prevention against the owner role's DDL
# (dropping a young partition or disabling its triggers): restrict and audit that Secret instead.
retentionGuard:
  # -- Run the guard Job after each install/upgrade (needs a superuser; see above).
  enabled: false
  # -- Existing Secret holding a superuser's PostgreSQL URL of audit-log's database (DATABASE_SUPERUSER_URL).
  secretName: audit-log-database-superuser
  # -- Key of that Secret.
  key: url
  # -- Retries of a failed install.
  backoffLimit: 2
  # -- Deadline of the Job, in seconds.
  activeDeadlineSeconds: 300
`;

// Block-style YAML for the plain data above (objects, arrays, strings, numbers), first line unindented.
function yaml(value, indent) {
  const pad = ' '.repeat(indent);
  const scalar = (v) => (typeof v === 'string' && !/^[A-Za-z0-9./_-]+$/.test(v) ? JSON.stringify(v) : String(v));
  const lines = (v, depth) => {
    const p = ' '.repeat(depth);
    if (Array.isArray(v)) {
      if (v.length === 0) return ['[]'];
      return v.flatMap((item) => {
        if (item !== null && typeof item === 'object') {
          const [first, ...rest] = lines(item, depth + 2);
          return [`${p}- ${first.trimStart()}`, ...rest];
        }
        return [`${p}- ${scalar(item)}`];
      });
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v);
      if (entries.length === 0) return ['{}'];
      return entries.flatMap(([k, item]) => {
        const key = scalar(k);
        if (item !== null && typeof item === 'object') {
          const inner = lines(item, depth + 2);
          return inner[0] === '[]' || inner[0] === '{}' ? [`${p}${key}: ${inner[0]}`] : [`${p}${key}:`, ...inner];
        }
        return [`${p}${key}: ${scalar(item)}`];
      });
    }
    return [scalar(v)];
  };
  return lines(value, indent).join('\n').replace(new RegExp(`^${pad}`), '');
}

function valuesYaml(svc) {
  const dbSecret = `${svc.name}-database`;
  const envLines = [
    `  # -- Log level of the JSON logger (trace, debug, info, warn, error, fatal).`,
    `  LOG_LEVEL: info`,
    `  # -- Kafka bootstrap servers, comma separated.`,
    `  KAFKA_BROKERS: kafka-bootstrap.kafka.svc:9092`,
    `  # -- OTLP endpoint for traces; empty = tracing export off.`,
    `  OTEL_EXPORTER_OTLP_ENDPOINT: ""`,
    ...COMMON_ENV.flatMap(([key, value, doc]) => [`  # -- ${doc}`, `  ${key}: ${JSON.stringify(value)}`]),
    ...svc.env.flatMap(([key, value, doc]) => [`  # -- ${doc}`, `  ${key}: ${JSON.stringify(value)}`]),
  ];
  const secretLines = [
    `  # -- PostgreSQL URL of the service's own database as its RUNTIME role (no ownership, no DDL, no BYPASSRLS).`,
    `  - name: DATABASE_URL`,
    `    secretName: ${dbSecret}`,
    `    key: url`,
    ...svc.secrets.flatMap(([key, secretName, secretKey, doc]) => [
      `  # -- ${doc}`,
      `  - name: ${key}`,
      `    secretName: ${secretName}`,
      `    key: ${secretKey}`,
    ]),
  ];
  return `# Values for the ${svc.name} chart. Generated by deploy/helm/generate-service-charts.mjs; edit it there.
# Every value is validated by values.schema.json beside this file.

# -- Container image, built from the repository's Dockerfile with --build-arg SERVICE=${svc.name}.
image:
  # -- Image repository.
  repository: ghcr.io/caredispatch/${svc.name}
  # -- Image tag; empty = the chart's appVersion.
  tag: ""
  # -- Kubernetes image pull policy.
  pullPolicy: IfNotPresent

# -- Names of existing Secrets (type kubernetes.io/dockerconfigjson) used to pull the image.
imagePullSecrets: []

# -- Overrides the chart name in resource names and labels.
nameOverride: ""
# -- Overrides the full resource name (release-chart).
fullnameOverride: ""

# -- Pod count when autoscaling is disabled.
replicaCount: 2

# -- Port the service listens on inside the container (HTTP_PORT).
containerPort: ${svc.port}

# -- Seconds Kubernetes waits after SIGTERM; SHUTDOWN_TIMEOUT_MS is set 5 s shorter so the service drains first.
terminationGracePeriodSeconds: 30

service:
  # -- Kubernetes Service type.
  type: ClusterIP
  # -- Port of the Kubernetes Service.
  port: 80

# -- Non-secret environment, rendered into a ConfigMap. An empty string leaves the variable unset.
# NODE_ENV, HTTP_PORT, KAFKA_CLIENT_ID and SHUTDOWN_TIMEOUT_MS are set by the chart.
env:
${envLines.join('\n')}

# -- Secret environment, each read from a key of an existing Kubernetes Secret (never inlined here).
secretEnv:
${secretLines.join('\n')}

# -- The migrate step (\`main.js migrate\`), a pre-install/pre-upgrade hook Job: runs the migrations
# as the database's OWNER role, then grants the runtime role (DATABASE_URL's) its privileges.
migration:
  # -- Run the migration Job before the pods of each install/upgrade start.
  enabled: true
  # -- Existing Secret holding the owner role's PostgreSQL URL (DATABASE_MIGRATION_URL); only the Job reads it.
  secretName: ${svc.name}-database-owner
  # -- Key of that Secret.
  key: url
  # -- Role the service runs as, granted its privileges after migrating (DATABASE_RUNTIME_ROLE).
  runtimeRole: caredispatch_${svc.name.replaceAll('-', '_')}_app
  # -- Retries of a failed migrate step.
  backoffLimit: 2
  # -- Deadline of the Job, in seconds.
  activeDeadlineSeconds: 600
${svc.retentionGuard ? RETENTION_GUARD_VALUES : ''}
serviceAccount:
  # -- Create a ServiceAccount for the pods (its API token is never mounted).
  create: true
  # -- ServiceAccount name; empty = the full resource name.
  name: ""
  # -- Annotations, e.g. for workload identity.
  annotations: {}

# -- HTTP probes. /health/live answers while the process works; /health/ready only when the
# database and Kafka are reachable.
probes:
  startup:
    path: /health/live
    initialDelaySeconds: 0
    periodSeconds: 2
    timeoutSeconds: 2
    failureThreshold: 30
  liveness:
    path: /health/live
    initialDelaySeconds: 0
    periodSeconds: 10
    timeoutSeconds: 2
    failureThreshold: 3
  readiness:
    path: /health/ready
    initialDelaySeconds: 0
    periodSeconds: 5
    timeoutSeconds: 2
    failureThreshold: 3

# -- Container resource requests and limits.
resources:
  ${yaml(svc.resources, 2)}

# -- Pod-level security context: non-root (the image's node user, uid 1000).
podSecurityContext:
  runAsNonRoot: true
  runAsUser: 1000
  runAsGroup: 1000
  fsGroup: 1000
  seccompProfile:
    type: RuntimeDefault

# -- Container security context: read-only root filesystem, no privilege escalation, no capabilities.
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  runAsNonRoot: true
  capabilities:
    drop:
      - ALL

podDisruptionBudget:
  # -- Create a PodDisruptionBudget.
  enabled: true
  # -- Pods that may be down at once during voluntary disruptions.
  maxUnavailable: 1

# -- Gateway API HTTPRoute sending this service's /v1/... paths to it. The Gateway is the platform's;
# every service still verifies the access token itself.
httpRoute:
  # -- Create the HTTPRoute (only when matches is not empty).
  enabled: ${svc.gatewayMatches.length > 0}
  # -- Gateways (ParentReference) the route attaches to.
  parentRefs:
    - name: caredispatch
      namespace: gateway
  # -- Hostnames the route answers; empty = the Gateway's.
  hostnames: []
  # -- Path matches (type PathPrefix, Exact or RegularExpression) routed to this service.
  matches:${svc.gatewayMatches.length > 0 ? `\n    ${yaml(svc.gatewayMatches, 4)}` : ' []'}

autoscaling:
  # -- Create a HorizontalPodAutoscaler (replicaCount is then ignored).
  enabled: true
  # -- Fewest pods.
  minReplicas: 2
  # -- Most pods.
  maxReplicas: 6
  # -- Average CPU utilisation (percent of requests) the autoscaler aims for.
  targetCPUUtilizationPercentage: 75

networkPolicy:
  # -- Create a NetworkPolicy: deny all but the traffic below.
  enabled: true
  # -- Peers (NetworkPolicyPeer) allowed to reach the HTTP port.
  ingressFrom:
    ${yaml(svc.ingressFrom, 4)}
  kafka:
    # -- Peers where the Kafka brokers run.
    to:
      - namespaceSelector:
          matchLabels:
            kubernetes.io/metadata.name: kafka
    # -- Kafka broker port.
    port: 9092
  postgres:
    # -- Peers where PostgreSQL runs.
    to:
      - namespaceSelector:
          matchLabels:
            kubernetes.io/metadata.name: postgres
    # -- PostgreSQL port.
    port: 5432
  otelCollector:
    # -- Allow traffic to the OpenTelemetry collector.
    enabled: false
    # -- Peers where the collector runs.
    to:
      - namespaceSelector:
          matchLabels:
            kubernetes.io/metadata.name: observability
    # -- OTLP port (4318 HTTP, 4317 gRPC).
    port: 4318
  # -- More egress rules (NetworkPolicyEgressRule), appended as given.
  extraEgress:
    ${yaml(svc.extraEgress, 4)}

topologySpread:
  # -- Spread pods across the topology key (best effort).
  enabled: true
  # -- Node label to spread across.
  topologyKey: topology.kubernetes.io/zone

# -- Extra pod annotations.
podAnnotations: {}
# -- Extra pod labels.
podLabels: {}
# -- Node selector for the pods.
nodeSelector: {}
# -- Tolerations for the pods.
tolerations: []
# -- Affinity rules for the pods.
affinity: {}
`;
}

function valuesSchema(svc) {
  const str = { type: 'string' };
  const int = (minimum, maximum) => ({ type: 'integer', minimum, ...(maximum ? { maximum } : {}) });
  const obj = (properties, required = Object.keys(properties)) => ({
    type: 'object',
    additionalProperties: false,
    required,
    properties,
  });
  const peers = { type: 'array', items: { type: 'object' } };
  const probe = obj({
    path: { type: 'string', pattern: '^/' },
    initialDelaySeconds: int(0),
    periodSeconds: int(1),
    timeoutSeconds: int(1),
    failureThreshold: int(1),
  });
  const envKeys = [
    'LOG_LEVEL',
    'KAFKA_BROKERS',
    'OTEL_EXPORTER_OTLP_ENDPOINT',
    ...COMMON_ENV.map(([k]) => k),
    ...svc.env.map(([k]) => k),
  ];
  const envProps = Object.fromEntries(envKeys.map((k) => [k, str]));
  envProps.LOG_LEVEL = { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] };
  envProps.KAFKA_BROKERS = { type: 'string', minLength: 1 };
  const requiredSecretNames = ['DATABASE_URL', ...svc.secrets.map(([k]) => k)];
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: `${svc.name} chart values`,
    type: 'object',
    additionalProperties: false,
    required: [
      'image', 'replicaCount', 'containerPort', 'terminationGracePeriodSeconds', 'service', 'env',
      'secretEnv', 'migration', 'serviceAccount', 'probes', 'resources', 'podSecurityContext', 'securityContext',
      'podDisruptionBudget', 'autoscaling', 'networkPolicy', 'topologySpread',
      ...(svc.retentionGuard ? ['retentionGuard'] : []),
    ],
    properties: {
      global: { type: 'object' },
      // Helm adds an (empty) entry for the library chart dependency.
      'caredispatch-common': { type: 'object' },
      image: obj({
        repository: { type: 'string', minLength: 1 },
        tag: str,
        pullPolicy: { enum: ['Always', 'IfNotPresent', 'Never'] },
      }),
      imagePullSecrets: { type: 'array', items: obj({ name: { type: 'string', minLength: 1 } }) },
      nameOverride: str,
      fullnameOverride: str,
      replicaCount: int(1),
      containerPort: int(1, 65535),
      terminationGracePeriodSeconds: int(10),
      service: obj({ type: { enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] }, port: int(1, 65535) }),
      env: {
        type: 'object',
        description: 'Non-secret environment; secrets belong in secretEnv.',
        properties: envProps,
        required: ['LOG_LEVEL', 'KAFKA_BROKERS'],
        additionalProperties: { type: ['string', 'number', 'boolean'] },
        propertyNames: {
          pattern: '^[A-Z][A-Z0-9_]*$',
          not: {
            enum: [
              'NODE_ENV', 'HTTP_PORT', 'KAFKA_CLIENT_ID', 'SHUTDOWN_TIMEOUT_MS', ...requiredSecretNames,
              // The owner's URL belongs to the migration Job only, never to the service's pods.
              'DATABASE_MIGRATION_URL',
            ],
          },
        },
      },
      secretEnv: {
        type: 'array',
        description: 'Environment variables read from existing Secrets.',
        items: obj({
          name: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
          secretName: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
          key: { type: 'string', minLength: 1 },
        }),
        allOf: requiredSecretNames.map((name) => ({
          contains: { type: 'object', properties: { name: { const: name } }, required: ['name'] },
        })),
      },
      migration: obj({
        enabled: { type: 'boolean' },
        secretName: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
        key: { type: 'string', minLength: 1 },
        runtimeRole: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
        backoffLimit: int(0),
        activeDeadlineSeconds: int(30),
      }),
      ...(svc.retentionGuard
        ? {
            retentionGuard: obj({
              enabled: { type: 'boolean' },
              secretName: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
              key: { type: 'string', minLength: 1 },
              backoffLimit: int(0),
              activeDeadlineSeconds: int(30),
            }),
          }
        : {}),
      serviceAccount: obj({ create: { type: 'boolean' }, name: str, annotations: { type: 'object' } }),
      probes: obj({ startup: probe, liveness: probe, readiness: probe }),
      resources: {
        type: 'object',
        required: ['requests', 'limits'],
        properties: {
          requests: { type: 'object', required: ['cpu', 'memory'] },
          limits: { type: 'object', required: ['memory'] },
        },
      },
      podSecurityContext: {
        type: 'object',
        required: ['runAsNonRoot'],
        properties: { runAsNonRoot: { const: true }, runAsUser: int(1) },
      },
      securityContext: {
        type: 'object',
        required: ['allowPrivilegeEscalation', 'readOnlyRootFilesystem'],
        properties: {
          allowPrivilegeEscalation: { const: false },
          readOnlyRootFilesystem: { const: true },
          privileged: { const: false },
        },
      },
      podDisruptionBudget: obj({ enabled: { type: 'boolean' }, maxUnavailable: { type: ['integer', 'string'] } }),
      httpRoute: obj({
        enabled: { type: 'boolean' },
        parentRefs: { type: 'array', items: { type: 'object', required: ['name'] } },
        hostnames: { type: 'array', items: { type: 'string', minLength: 1 } },
        matches: {
          type: 'array',
          items: obj({
            type: { enum: ['PathPrefix', 'Exact', 'RegularExpression'] },
            // The versioned API, messaging's pages behind the one-tap links (/a, /o) and
            // dispatch-optimizer's itinerary page (/itineraries).
            value: { type: 'string', pattern: '^\\^?/(v1/|a$|a/|o$|o/|itineraries$|itineraries/)' },
          }),
        },
      }),
      autoscaling: obj({
        enabled: { type: 'boolean' },
        minReplicas: int(1),
        maxReplicas: int(1),
        targetCPUUtilizationPercentage: int(1, 100),
      }),
      networkPolicy: obj({
        enabled: { type: 'boolean' },
        ingressFrom: peers,
        kafka: obj({ to: peers, port: int(1, 65535) }),
        postgres: obj({ to: peers, port: int(1, 65535) }),
        otelCollector: obj({ enabled: { type: 'boolean' }, to: peers, port: int(1, 65535) }),
        extraEgress: { type: 'array', items: { type: 'object' } },
      }),
      topologySpread: obj({ enabled: { type: 'boolean' }, topologyKey: { type: 'string', minLength: 1 } }),
      podAnnotations: { type: 'object', additionalProperties: { type: 'string' } },
      podLabels: { type: 'object', additionalProperties: { type: 'string' } },
      nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
      tolerations: { type: 'array', items: { type: 'object' } },
      affinity: { type: 'object' },
    },
  };
}

const chartYaml = (svc) => `apiVersion: v2
name: ${svc.name}
description: CareDispatch ${svc.name} service. ${svc.description}
type: application
version: ${CHART_VERSION}
appVersion: "${APP_VERSION}"
dependencies:
  - name: caredispatch-common
    version: ${COMMON_VERSION}
    repository: file://../caredispatch-common
`;

const TEMPLATES = ['serviceaccount', 'configmap', 'deployment', 'service', 'pdb', 'hpa', 'networkpolicy', 'httproute', 'migration-job'];

function files(svc) {
  const out = {
    'Chart.yaml': chartYaml(svc),
    'values.yaml': valuesYaml(svc),
    'values.schema.json': `${JSON.stringify(valuesSchema(svc), null, 2)}\n`,
    '.helmignore': '# Patterns helm package leaves out.\n.cache/\n*.orig\n*.swp\n',
  };
  for (const t of [...TEMPLATES, ...(svc.retentionGuard ? ['retention-guard-job'] : [])]) {
    out[`templates/${t}.yaml`] = `{{- include "caredispatch-common.${t}" . }}\n`;
  }
  return out;
}

const check = process.argv.includes('--check');
let stale = 0;
for (const svc of SERVICES) {
  for (const [rel, content] of Object.entries(files(svc))) {
    const path = join(HELM_DIR, svc.name, rel);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : null;
    if (current === content) continue;
    if (check) {
      console.error(`out of date: ${join(svc.name, rel)}`);
      stale += 1;
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
  }
}
if (stale > 0) {
  console.error('run: node deploy/helm/generate-service-charts.mjs');
  process.exit(1);
}
console.log(check ? 'service charts are up to date' : `wrote ${SERVICES.length} service charts`);
