# syntax=docker/dockerfile:1.7
# One image recipe for every CareDispatch service:
#   docker build --build-arg SERVICE=scheduling -t caredispatch/scheduling .
# SERVICE is one of: ehr-gateway, scheduling, messaging, dispatch-optimizer, waitlist, audit-log.

ARG NODE_IMAGE=node:24-bookworm-slim

# --- all dependencies, for the build ------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# --- build one service ---------------------------------------------------------------------------
FROM deps AS build
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<service>" >&2 && exit 1)
COPY . .
ENV NX_DAEMON=false NX_NO_CLOUD=true
# `nx build` runs scripts/build-service.mjs (swc, not bundled), which writes
# dist/services/<service>/services/<service>/src/main.js; a one-line main.js beside it keeps the
# runtime entry point `dist/services/<service>/main.js` whatever the build layout.
RUN npx nx build "${SERVICE}" --skip-nx-cache \
 && out="dist/services/${SERVICE}" \
 && if [ ! -f "${out}/main.js" ]; then \
      test -f "${out}/services/${SERVICE}/src/main.js" \
      && echo "require('./services/${SERVICE}/src/main.js');" > "${out}/main.js"; \
    fi \
 && test -f "${out}/main.js"

# --- production dependencies only ----------------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# --- runtime -------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
ENV NODE_ENV=production \
    SERVICE=${SERVICE}
WORKDIR /app
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/dist/services/${SERVICE} ./dist/services/${SERVICE}
# The app tree stays root-owned and read-only to the process; it runs as the image's `node` user.
USER node:node
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||'3000')+'/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# exec: node becomes PID 1 and receives SIGTERM directly (the services drain on SIGTERM).
ENTRYPOINT ["/bin/sh", "-c", "exec node \"dist/services/${SERVICE}/main.js\" \"$@\"", "--"]
