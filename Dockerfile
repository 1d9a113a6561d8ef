# syntax=docker/dockerfile:1
# Gantry's image: every role (`serve`, `worker`, `migrate`) from one build, run as
# `docker run gantry <role>`. OpenTofu and OPA are built from the pins in tools/ in a Go stage;
# the final image has Node, Gantry, the two tools and what runs need (git, bubblewrap), and no
# compilers.

ARG NODE_VERSION=24
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS tools
WORKDIR /src
COPY tools/ tools/
RUN GANTRY_TOOLS_CACHE=/tmp/tools-cache tools/install.sh tofu opa

# The web console: built with the dev dependencies, only its static files go on.
FROM node:${NODE_VERSION}-bookworm-slim AS console
WORKDIR /app
COPY package.json package-lock.json ./
COPY src/console/web/package.json src/console/web/
RUN npm ci --ignore-scripts
COPY src/console/web src/console/web
RUN npm run build:console

FROM node:${NODE_VERSION}-bookworm-slim AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY src/console/web/package.json src/console/web/
# `prepare` builds the console, which the stage above did.
RUN npm pkg delete scripts.prepare && npm ci --omit=dev && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends bubblewrap ca-certificates git openssh-client \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --create-home --uid 10001 --user-group gantry
WORKDIR /app
COPY --from=tools /src/.tools/bin/tofu /src/.tools/bin/opa /usr/local/bin/
COPY --from=dependencies /app/node_modules node_modules
COPY --from=console /app/dist/console dist/console
COPY package.json tsconfig.json ./
COPY bin bin
COPY src src
COPY temporal temporal
COPY workflows workflows
COPY activities activities
COPY policies policies
ENV NODE_ENV=production \
  GANTRY_TOFU_PATH=/usr/local/bin/tofu \
  GANTRY_OPA_PATH=/usr/local/bin/opa \
  GANTRY_DATA_DIR=/home/gantry/data
USER gantry
EXPOSE 3000
ENTRYPOINT ["node", "/app/bin/gantry.js"]
CMD ["serve"]
