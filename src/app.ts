// The composition root: opens the database, builds the service context, the
// federation, the HTTP server and the background workers, and knows how to
// shut them all down in order. Nothing imports this file but main.ts, the CLI
// and tests.
import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { pino, type Logger } from "pino";
import { registerAccountRoutes } from "./api/ecotone/account.routes.ts";
import { registerOpenApi } from "./api/ecotone/openapi.ts";
import { registerGroupRoutes } from "./api/ecotone/group.routes.ts";
import { registerGroupSettingsRoutes } from "./api/ecotone/group-settings.routes.ts";
import { registerPostRoutes } from "./api/ecotone/post.routes.ts";
import { registerReportRoutes } from "./api/ecotone/report.routes.ts";
import { registerIdeaRoutes } from "./api/ecotone/idea.routes.ts";
import { registerTaskRoutes } from "./api/ecotone/task.routes.ts";
import { registerOrganizationRoutes } from "./api/ecotone/organization.routes.ts";
import { registerOrganizationField } from "./api/ecotone/organization.serializer.ts";
import { getOwnOrganization } from "./services/organizations/organization.service.ts";
import { registerQuestionRoutes } from "./api/ecotone/question.routes.ts";
import { registerWebhookRoutes } from "./api/ecotone/webhook.routes.ts";
import { registerInsightRoutes } from "./api/ecotone/insight.routes.ts";
import { registerReputationRoutes } from "./api/ecotone/reputation.routes.ts";
import { registerSegmentRoutes } from "./api/ecotone/segment.routes.ts";
import { registerIdempotency } from "./api/ecotone/idempotency.hook.ts";
import { registerMastodonApi } from "./api/mastodon/index.ts";
import { registerMastodonOpenApi } from "./api/mastodon/openapi.ts";
import { registerStaticImages } from "./api/mastodon/static-images.routes.ts";
import { registerStreaming } from "./api/mastodon/streaming.routes.ts";
import { registerSseStreaming } from "./api/mastodon/streaming-sse.routes.ts";
import { registerOAuthRoutes } from "./api/mastodon/oauth.routes.ts";
import { registerBodyParsers } from "./http/body-parsers.ts";
import { registerCookies } from "./http/cookies.ts";
import { registerCors } from "./http/cors.ts";
import { registerSecurityHeaders } from "./http/security-headers.ts";
import { registerMediaFiles } from "./api/mastodon/media-files.routes.ts";
import { registerNodeInfoLegacy } from "./http/nodeinfo-legacy.ts";
import type { Config } from "./config.ts";
import { openDatabase, type DatabaseHandle } from "./db/database.ts";
import { PostgresKvStore } from "./db/kv.store.ts";
import { migrateToLatest } from "./db/migrator.ts";
import { PostgresMessageQueue } from "./db/queue.store.ts";
import { gateDeliveriesByPolicy } from "./federation/delivery-policy.ts";
import { createEcotoneFederation, type EcotoneFederation } from "./federation/federation.ts";
import { installFetchGuard } from "./federation/fetch-guard.ts";
import { installSignedFetchCache } from "./federation/signed-fetch.cache.ts";
import { installDeliveryLanes } from "./federation/delivery-lanes.ts";
import { installKeyImportCache } from "./federation/key-import.cache.ts";
import { installDocumentParseCache } from "./federation/document-parse.cache.ts";
import { prefetchDeliveryState } from "./federation/delivery-prefetch.ts";
import { OutboxProcessor } from "./federation/outbox/outbox.processor.ts";
import { createRemoteDirectory } from "./federation/remote-directory.ts";
import { createTaskGateway } from "./federation/forgefed/gateway.ts";
import { withSelfDeleteKeyRefresh } from "./federation/inbox/self-delete.ts";
import { createWebhookTransport } from "./federation/webhooks/webhook.transport.ts";
import { WebhookWorker } from "./services/apps/webhook.worker.ts";
import { ChannelWorker } from "./services/channels/channel.worker.ts";
import { createSmtpTransport } from "./services/channels/mail-transport.ts";
import { registerMailRoutes } from "./api/ecotone/mail.routes.ts";
import { registerPushRoutes } from "./api/mastodon/push.routes.ts";
import { CompanySignIn } from "./services/accounts/oidc.service.ts";
import { startInboundMail } from "./services/channels/mail-inbound.listener.ts";
import { SweepsWorker } from "./services/sweeps.worker.ts";
import { closeDuePolls } from "./services/posts/poll.service.ts";
import { publishDueGroupLevels } from "./services/insights/group-levels.service.ts";
import { refuseUnansweredChanges } from "./services/tasks/task-change.service.ts";
import { startAdminSocket } from "./cli/admin-socket.server.ts";
import { registerAuth } from "./http/auth.ts";
import { registerErrorHandler } from "./http/errors.ts";
import { afterResponse, registerAfterResponse } from "./http/after-response.ts";
import { registerSchemas } from "./http/schemas.ts";
import { registerFederationAdapter } from "./http/federation.adapter.ts";
import { registerPages } from "./web/actor-page.routes.ts";
import { registerWebInterface } from "./web/index.ts";
import { registerWellKnown } from "./api/ecotone/well-known.routes.ts";
import type { ServiceContext } from "./services/context.ts";
import { peerAllowed } from "./services/organizations/federation-policy.service.ts";
import { bootstrapAdmin, ensureInstanceActor } from "./services/accounts/user.service.ts";

export interface EcotoneApp {
  readonly config: Config;
  readonly ctx: ServiceContext;
  readonly database: DatabaseHandle;
  readonly fastify: FastifyInstance;
  readonly federation: EcotoneFederation;
  readonly outbox: OutboxProcessor;
  /** Notification mail, the mail outbox and push (docs/channels.md). */
  readonly channels: ChannelWorker;
  readonly logger: Logger;
  /** Counters for operations and tests. */
  readonly stats: { inboxPosts: number };
  /** The first admin's credentials, when this start created them. */
  readonly bootstrap: { username: string; password: string } | null;
  /** Listens on config.host:config.port and starts the workers. */
  start(): Promise<void>;
  /** Stops taking requests, drains in-flight work, closes the database. */
  close(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 10_000;
const INBOX_PATH = /^\/(inbox|users\/[^/]+\/inbox)$/;

export interface CreateAppOptions {
  logger?: Logger;
  /** An already-open database (tests); otherwise opened from the config. */
  database?: DatabaseHandle;
  /** Leave the database open on close (a test restarting an instance). */
  keepDatabaseOpen?: boolean;
}

export async function createApp(config: Config, options: CreateAppOptions = {}): Promise<EcotoneApp> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { instance: config.origin.host } });
  installFetchGuard({ timeoutMs: config.fetchTimeoutMs, maxBytes: config.fetchMaxBytes, allowPrivateAddresses: config.allowPrivateAddresses });
  installDeliveryLanes({ headTimeoutMs: Math.min(config.deliveryHeadTimeoutMs, config.fetchTimeoutMs) });
  installSignedFetchCache({ ttlMs: config.signedFetchCacheMs });
  installKeyImportCache();
  installDocumentParseCache();

  const database = options.database ?? (await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }));
  const migrations = await migrateToLatest(database.db);
  if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, "database migrated");

  // An in-memory instance (tests, the demo) keeps its media in a temporary
  // directory, removed when it closes.
  const inMemory = config.dataDir.startsWith("memory://");
  const ctx: ServiceContext = {
    db: database.db,
    database,
    origin: config.origin,
    instanceName: config.instanceName,
    logger,
    mediaDir: inMemory ? mkdtempSync(join(tmpdir(), "ecotone-media-")) : join(config.dataDir, "media"),
  };
  if (config.oidc) ctx.companySignIn = new CompanySignIn({ ...config.oidc, allowInsecure: config.allowPrivateAddresses });
  ctx.passwordSignIn = config.passwordSignIn;
  if (config.inboundSmtpPort !== null || config.inboundMailSecret) ctx.replyDomain = config.replyDomain;
  if (config.inboundMailSecret) ctx.inboundMailSecret = config.inboundMailSecret;
  await ensureInstanceActor(ctx);
  await getOwnOrganization(ctx);
  const bootstrap = config.bootstrapAdmin ? await bootstrapAdmin(ctx) : null;

  // Outbound deliveries wait on peers, so they get many slots; incoming
  // activities and fan-out work the database, so they get a few.
  const concurrency: Record<string, number> = { outbox: config.deliveryConcurrency, inbox: 8, fanout: 4 };
  const queue = (name: string) =>
    new PostgresMessageQueue(database, {
      queueName: name,
      leaseMs: config.queueLeaseMs,
      concurrency: concurrency[name] ?? 4,
      // A fan-out's deliveries, a delivery's retry: written with the message's deletion.
      atomicEnqueues: name !== "inbox",
      // An incoming activity is applied in its POST when this process can (ADR 0104).
      runInline: name === "inbox",
      // A batch of deliveries reads its hosts' breaker state and signature spec in one statement (ADR 0110).
      beforeBatch:
        name === "outbox" ? (messages) => prefetchDeliveryState(kv, messages, Math.min(config.deliveryHeadTimeoutMs, config.fetchTimeoutMs)) : undefined,
      onError: (error: unknown) => logger.error({ err: error, queue: name }, "queue message failed"),
    });
  const kv = new PostgresKvStore(database);
  const federation = createEcotoneFederation({
    origin: config.origin,
    kv,
    queues: { inbox: queue("inbox"), outbox: gateDeliveriesByPolicy(queue("outbox"), ctx), fanout: queue("fanout") },
    allowPrivateAddresses: config.allowPrivateAddresses,
    retryInitialDelayMs: config.retryInitialDelayMs,
  });
  ctx.remote = createRemoteDirectory(federation, ctx, { allowPrivateAddresses: config.allowPrivateAddresses });
  const outbox = new OutboxProcessor(federation, ctx, { leaseMs: Math.min(config.queueLeaseMs, 60_000) });
  const webhooks = new WebhookWorker(ctx, database, {
    transport: createWebhookTransport({ allowPrivateAddresses: config.allowPrivateAddresses }),
    retryInitialMs: config.retryInitialDelayMs,
    leaseMs: Math.min(config.queueLeaseMs, 60_000),
  });
  const smtp = config.smtpUrl ? createSmtpTransport(config.smtpUrl, config.mailFrom, config.dkim) : null;
  if (!smtp) logger.info("ECOTONE_SMTP_URL is unset: mail is kept for the Outgoing mail page (/admin/mail), not sent");
  const channels = new ChannelWorker(ctx, {
    transport: smtp,
    allowInsecureEndpoints: config.allowPrivateAddresses,
    batchWindowMs: config.mailBatchMs,
    retryInitialMs: config.retryInitialDelayMs,
    leaseMs: Math.min(config.queueLeaseMs, 60_000),
  });
  const sweeps = new SweepsWorker(ctx, [
    { name: "polls closed", run: closeDuePolls },
    { name: "task changes the home never answered, refused", run: refuseUnansweredChanges },
    { name: "groups' reputation levels published", run: (c, now) => publishDueGroupLevels(c, now, config.levelsPublishMs) },
  ]);
  const wakeWorkers = () => {
    outbox.wake();
    webhooks.wake();
  };
  // In a request, once its answer is out (src/http/after-response.ts).
  ctx.onOutboxEvent = () => afterResponse(wakeWorkers);

  const stats = { inboxPosts: 0 };
  const fastify = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    genReqId: () => randomUUID(),
    requestIdHeader: "x-request-id",
    bodyLimit: config.inboxBodyLimit,
    // While shutting down, new requests get a 503 (a proxy retries elsewhere) instead of hanging.
    return503OnClosing: true,
    // Mastodon answers `/api/v1/instance/` like `/api/v1/instance`; apps and CLIs rely on it.
    routerOptions: { ignoreTrailingSlash: true },
  });
  registerErrorHandler(fastify);
  registerAfterResponse(fastify);
  registerSchemas(fastify);
  registerBodyParsers(fastify, ctx);
  registerCors(fastify);
  registerCookies(fastify);
  registerSecurityHeaders(fastify, config.origin);
  registerNodeInfoLegacy(fastify, {
    origin: config.origin,
    fetchNodeInfo21: () =>
      federation.fetch(new Request(new URL("/nodeinfo/2.1", config.origin), { headers: { accept: "application/json" } }), { contextData: ctx }),
  });
  registerFederationAdapter(fastify, {
    federation,
    contextData: ctx,
    origin: config.origin,
    bodyLimit: config.inboxBodyLimit,
    isInboxPath: (path) => INBOX_PATH.test(path),
    isPeerAllowed: (host) => peerAllowed(ctx, host),
    onInboxPost: () => {
      stats.inboxPosts += 1;
    },
    beforeFederation: withSelfDeleteKeyRefresh(kv, createTaskGateway(federation, ctx)),
  });
  registerAuth(fastify, ctx);
  registerIdempotency(fastify, ctx);
  registerWellKnown(fastify, ctx);
  registerPages(fastify, ctx);
  registerWebInterface(fastify, ctx);
  // Before the Ecotone routes, so it sees them all being registered.
  await registerOpenApi(fastify, config.origin.origin);
  await registerMastodonOpenApi(fastify, config.origin.origin);
  registerAccountRoutes(fastify, ctx);
  registerGroupRoutes(fastify, ctx);
  registerGroupSettingsRoutes(fastify, ctx);
  registerPostRoutes(fastify, ctx);
  registerReportRoutes(fastify, ctx);
  registerIdeaRoutes(fastify, ctx);
  registerTaskRoutes(fastify, ctx);
  registerOrganizationRoutes(fastify, ctx);
  registerOrganizationField(fastify, ctx);
  registerQuestionRoutes(fastify, ctx);
  registerWebhookRoutes(fastify, ctx);
  registerMailRoutes(fastify, ctx);
  registerPushRoutes(fastify, ctx);
  registerInsightRoutes(fastify, ctx);
  registerReputationRoutes(fastify, ctx);
  registerSegmentRoutes(fastify, ctx);
  registerMastodonApi(fastify, ctx);
  registerOAuthRoutes(fastify, ctx, { passwordGrant: config.oauthPasswordGrant });
  registerStaticImages(fastify);
  registerMediaFiles(fastify, ctx);
  const streaming = await registerStreaming(fastify, ctx);
  registerSseStreaming(fastify, ctx);

  const workers = new AbortController();
  let queueRun: Promise<unknown> | null = null;
  let adminSocket: { close(): Promise<void> } | null = null;
  let inboundMail: { port: number; close(): Promise<void> } | null = null;

  return {
    config,
    ctx,
    database,
    fastify,
    federation,
    outbox,
    channels,
    logger,
    bootstrap,
    stats,
    async start() {
      await fastify.listen({ host: config.host, port: config.port });
      if (config.runQueueWorkers) {
        queueRun = federation.startQueue(ctx, { signal: workers.signal });
        outbox.start();
        webhooks.start();
        channels.start();
        sweeps.start();
      }
      if (config.inboundSmtpPort !== null) {
        inboundMail = await startInboundMail(ctx, { host: config.host, port: config.inboundSmtpPort, domain: config.replyDomain });
        logger.info({ port: inboundMail.port, domain: config.replyDomain }, "reply-by-email listener started");
      }
      // PGlite admits one process: the CLI reaches this one through a socket.
      if (database.kind === "pglite" && !inMemory) {
        adminSocket = await startAdminSocket(ctx, join(config.dataDir, "ecotone.sock"));
      }
    },
    async close() {
      // Requests in flight get a grace period, then their connections are cut.
      streaming.close();
      const force = setTimeout(() => fastify.server.closeAllConnections(), SHUTDOWN_GRACE_MS);
      await fastify.close();
      clearTimeout(force);
      // Workers stop taking messages and finish the ones they hold.
      workers.abort();
      await outbox.stop();
      await webhooks.stop();
      await channels.stop();
      await inboundMail?.close();
      smtp?.close();
      await sweeps.stop();
      await queueRun?.catch(() => {});
      await adminSocket?.close();
      if (!options.keepDatabaseOpen) await database.close();
      if (inMemory && ctx.mediaDir) await rm(ctx.mediaDir, { recursive: true, force: true });
    },
  };
}
