# syntax=docker/dockerfile:1

# ---- build: full dependency tree, compile TypeScript to dist/ ----------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The browser library, bundled to dist/client/client.js (served at /v1/client.js).
COPY client ./client
COPY scripts/build-client.mjs ./scripts/
RUN npm run build
# This stage also has the dev tools (tsx): `docker build --target build -t otp-login-api:tools .`
# gives an image that can run `npm run migrate` / `npm run db:indexes` before a rollout.
COPY scripts ./scripts
USER node

# ---- runtime: production dependencies + compiled code, non-root ---------------
FROM node:22-bookworm-slim AS runtime
# tini as PID 1 forwards SIGTERM to node and reaps zombies.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
  PORT=5000 \
  DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The hosted sign-in page's static files, served as written from where src/ keeps them.
COPY --from=build /app/src/modules/hosted-ui/public ./src/modules/hosted-ui/public
# DATA_DIR must be writable by the app user (only used by the embedded database).
RUN mkdir -p /app/data && chown node:node /app/data
# The official image's unprivileged user (uid 1000, gid 1000).
USER node
EXPOSE 5000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||5000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=32", "--heap-growing-percent=75", "--v8-pool-size=1", "dist/main.js"]
