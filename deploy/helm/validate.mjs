#!/usr/bin/env node
// Checks the Helm charts without a `helm` binary: every YAML file parses, each service chart's
// values.yaml satisfies its values.schema.json (ajv, draft-07 as Helm uses), and, when given the
// directory of `helm template` output (deploy/helm/lint.sh passes it), every rendered manifest parses and
// keeps the guarantees the charts promise (non-root, read-only root filesystem, probes, secrets by reference).
//   node deploy/helm/validate.mjs [rendered-dir]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import YAML from 'yaml';

const HELM_DIR = dirname(fileURLToPath(import.meta.url));
const SERVICES = ['ehr-gateway', 'scheduling', 'messaging', 'dispatch-optimizer', 'waitlist', 'audit-log'];
const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);

function walk(dir) {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (entry === '.cache' || entry === 'charts') return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

// 1. Every plain YAML file parses (templates are Go templates, not YAML, until rendered).
let yamlFiles = 0;
for (const file of walk(HELM_DIR)) {
  if (!/\.ya?ml$/.test(file) || file.includes(`${join('templates', '')}`)) continue;
  const doc = YAML.parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of doc) for (const e of d.errors) fail(relative(HELM_DIR, file), e.message);
  yamlFiles += 1;
}

// 2. values.yaml against values.schema.json, for each service chart.
const ajv = new Ajv({ allErrors: true, strict: false });
for (const service of SERVICES) {
  const dir = join(HELM_DIR, service);
  const schema = JSON.parse(readFileSync(join(dir, 'values.schema.json'), 'utf8'));
  const values = YAML.parse(readFileSync(join(dir, 'values.yaml'), 'utf8'));
  const validate = ajv.compile(schema);
  if (!validate(values)) {
    for (const e of validate.errors ?? []) fail(`${service}/values.yaml`, `${e.instancePath || '/'} ${e.message}`);
  }
  // The schema must reject an inlined secret and a root container.
  const leaked = structuredClone(values);
  leaked.env.DATABASE_URL = 'postgres://user:password@db/x';
  if (validate(leaked)) fail(`${service}/values.schema.json`, 'accepts DATABASE_URL inlined in env');
  const root = structuredClone(values);
  root.podSecurityContext.runAsNonRoot = false;
  if (validate(root)) fail(`${service}/values.schema.json`, 'accepts runAsNonRoot: false');
}

// 3. Rendered manifests (optional).
const renderedDir = process.argv[2];
let manifests = 0;
if (renderedDir) {
  for (const service of SERVICES) {
    const file = join(renderedDir, `${service}.yaml`);
    if (!existsSync(file)) {
      fail(service, `no rendered manifest at ${file}`);
      continue;
    }
    const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => {
      for (const e of d.errors) fail(`${service} (rendered)`, e.message);
      return d.toJS();
    }).filter(Boolean);
    manifests += docs.length;
    // The migration Job is a hook: the helm CLI prints hooks with `template`, helm-java's render does not.
    const kinds = docs.map((d) => d.kind).filter((kind) => kind !== 'Job').sort();
    // A chart whose values name gateway matches must render its HTTPRoute; one without, none.
    const chartValues = YAML.parse(readFileSync(join(HELM_DIR, service, 'values.yaml'), 'utf8'));
    const routed = (chartValues.httpRoute?.matches ?? []).length > 0;
    const expected = ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', ...(routed ? ['HTTPRoute'] : []), 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount'].sort();
    if (JSON.stringify(kinds) !== JSON.stringify(expected)) fail(service, `renders ${kinds.join(', ')}`);
    const deployment = docs.find((d) => d.kind === 'Deployment');
    const container = deployment?.spec.template.spec.containers[0];
    if (!container) continue;
    if (container.securityContext?.readOnlyRootFilesystem !== true) fail(service, 'root filesystem is writable');
    if (deployment.spec.template.spec.securityContext?.runAsNonRoot !== true) fail(service, 'may run as root');
    if (container.readinessProbe?.httpGet?.path !== '/health/ready') fail(service, 'readiness probe is not /health/ready');
    if (container.livenessProbe?.httpGet?.path !== '/health/live') fail(service, 'liveness probe is not /health/live');
    if (!container.resources?.requests?.cpu || !container.resources?.limits?.memory) fail(service, 'missing resources');
    for (const e of container.env ?? []) if (!e.valueFrom?.secretKeyRef) fail(service, `env ${e.name} is not from a Secret`);
    // Least privilege: the owner's URL reaches the migration Job only, as a Secret reference.
    if ((container.env ?? []).some((e) => e.name === 'DATABASE_MIGRATION_URL')) fail(service, 'pods hold the owner URL');
    const job = docs.find((d) => d.kind === 'Job' && d.metadata.labels?.['app.kubernetes.io/component'] === 'migration');
    if (docs.some((d) => d.metadata?.labels?.['app.kubernetes.io/component'] === 'retention-guard')) {
      fail(service, 'renders the retention guard Job by default (it needs a superuser)');
    }
    if (job) {
      const migrate = job.spec.template.spec.containers[0];
      if (job.metadata.annotations?.['helm.sh/hook'] !== 'pre-install,pre-upgrade') fail(service, 'migration Job is not a pre-install/pre-upgrade hook');
      if (JSON.stringify(migrate?.args) !== '["migrate"]') fail(service, 'migration Job does not run main.js migrate');
      if (!migrate?.env?.find((e) => e.name === 'DATABASE_MIGRATION_URL')?.valueFrom?.secretKeyRef) fail(service, 'migration Job reads no owner URL from a Secret');
      if (migrate?.securityContext?.readOnlyRootFilesystem !== true) fail(service, 'migration Job root filesystem is writable');
    }
    if (service === 'audit-log') checkRetentionGuard(join(renderedDir, 'audit-log-retention-guard.yaml'));
    const configMap = docs.find((d) => d.kind === 'ConfigMap');
    for (const key of Object.keys(configMap?.data ?? {})) {
      if (/SECRET|TOKEN|PASSWORD|DATABASE_URL|AUTH/.test(key)) fail(service, `ConfigMap holds ${key}`);
    }
  }
}

/**
 * audit-log rendered with retentionGuard.enabled (only the helm CLI prints hook Jobs): a
 * post-install/post-upgrade hook after the migration, the superuser's URL from a Secret only.
 */
function checkRetentionGuard(file) {
  if (!existsSync(file)) return;
  const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
  const job = docs.find((d) => d.kind === 'Job' && d.metadata.labels?.['app.kubernetes.io/component'] === 'retention-guard');
  const where = 'audit-log retention guard';
  if (!job) return fail(where, 'retentionGuard.enabled renders no Job');
  const container = job.spec.template.spec.containers[0];
  if (job.metadata.annotations?.['helm.sh/hook'] !== 'post-install,post-upgrade') fail(where, 'Job is not a post-install/post-upgrade hook');
  if (JSON.stringify(container?.args) !== '["install-guard"]') fail(where, 'Job does not run install-guard');
  if (!container?.env?.find((e) => e.name === 'DATABASE_SUPERUSER_URL')?.valueFrom?.secretKeyRef) fail(where, 'Job reads no superuser URL from a Secret');
  if (container?.securityContext?.readOnlyRootFilesystem !== true) fail(where, 'Job root filesystem is writable');
  const deployment = docs.find((d) => d.kind === 'Deployment');
  for (const e of deployment?.spec.template.spec.containers[0].env ?? []) {
    if (e.name === 'DATABASE_SUPERUSER_URL') fail(where, 'pods hold the superuser URL');
  }
}

if (problems.length > 0) {
  for (const p of problems) console.error(`FAIL ${p}`);
  process.exit(1);
}
console.log(
  `ok: ${yamlFiles} YAML files parse, ${SERVICES.length} values.yaml match their schema` +
    (renderedDir ? `, ${manifests} rendered manifests checked` : ' (no rendered manifests given)'),
);
