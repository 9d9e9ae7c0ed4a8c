# The harvester image: node, one bundled file (scripts/bundle.ts), package.json and schemas/.
# Multi-architecture (Graviton Fargate is cheaper):
#   docker buildx build --platform linux/arm64,linux/amd64 -t <repository>:<tag> --push .
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN npm run bundle

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /src/package.json /app/package.json
COPY --from=build /src/schemas /app/schemas
COPY --from=build /src/dist/bundle/twarc-cloud.mjs /app/dist/bundle/twarc-cloud.mjs
# The image's own unprivileged user; the control API listens on 8080, not 80.
USER node
EXPOSE 8080
# ECS sends SIGTERM and waits stopTimeout (120 s) before SIGKILL; the harvester finalizes on it.
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "--max-semi-space-size=8", "--optimize-for-size", "/app/dist/bundle/twarc-cloud.mjs"]
CMD ["--help"]
