import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../platform/errors/app-error';
import { validated } from '../../platform/http/route-table';
import type { AdminService } from './admin.service';
import type { AdminAuditEntry } from './admin.ports';
import type { AdminStats } from './admin-stats';
import { factorSummaryView, userView } from '../auth';
import type { DeliveryReport, Suppression } from '../email';
import type { IpRule } from '../ip-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = () => new AppError('not_found');

/** A malformed id is answered like an unknown one (404), and never reaches a uuid column. */
function idParam(req: Request): string {
  const id = String(req.params.id);
  if (!UUID.test(id)) throw notFound();
  return id.toLowerCase();
}

const actor = (res: Response) => res.locals.admin;
const query = <T>(res: Response) => validated<T>(res).query;
/** The `:email` path segment, canonicalised by admin.routes.ts's schema. */
const emailParam = (res: Response) => validated<unknown, { email: string }>(res).params.email;

/** Response views: allow-lists of fields, so no internal column or hash can leak. */
const ipRuleView = (r: IpRule) => ({
  id: r.id,
  cidr: r.cidr,
  action: r.action,
  note: r.note,
  createdAt: r.createdAt.toISOString(),
});

const suppressionView = (s: Suppression) => ({
  email: s.email,
  reason: s.reason,
  source: s.source,
  createdAt: s.createdAt.toISOString(),
});

const deliveryView = (d: DeliveryReport) => ({
  email: d.email,
  suppression: d.suppression ? suppressionView(d.suppression) : null,
  messages: d.messages.map((m) => ({
    id: m.id,
    provider: m.provider,
    providerMessageId: m.providerMessageId,
    status: m.status,
    createdAt: m.createdAt.toISOString(),
    updatedAt: m.updatedAt.toISOString(),
    events: m.events.map((e) => ({
      provider: e.provider,
      type: e.type,
      occurredAt: e.occurredAt.toISOString(),
    })),
  })),
});

const auditView = (e: AdminAuditEntry) => ({
  id: e.id,
  at: e.at.toISOString(),
  keyId: e.keyId,
  action: e.action,
  target: e.target,
  requestId: e.requestId,
  outcome: e.outcome,
  details: e.details,
});

const statsView = (s: AdminStats) => ({ ...s, usage: { ...s.usage, since: s.usage.since.toISOString() } });

export function createAdminController(deps: { admin: AdminService }) {
  const { admin } = deps;

  const listUsers: RequestHandler = async (_req, res) => {
    const page = await admin.listUsers(
      actor(res),
      query<{ limit: number; cursor?: string; email?: string }>(res),
    );
    res.json({ data: page.data.map(userView), nextCursor: page.nextCursor });
  };

  const getUser: RequestHandler = async (req, res) => {
    const found = await admin.getUser(actor(res), idParam(req));
    if (!found) throw notFound();
    res.json({
      user: userView(found.user),
      activeSessions: found.activeSessions,
      factors: factorSummaryView(found.factors),
    });
  };

  const resetFactors: RequestHandler = async (req, res) => {
    if (!(await admin.resetFactors(actor(res), idParam(req)))) throw notFound();
    res.status(204).end();
  };

  const revokeSessions: RequestHandler = async (req, res) => {
    const revoked = await admin.revokeSessions(actor(res), idParam(req));
    if (revoked === undefined) throw notFound();
    res.json({ revokedSessions: revoked });
  };

  const deleteUser: RequestHandler = async (req, res) => {
    if (!(await admin.deleteUser(actor(res), idParam(req)))) throw notFound();
    res.status(204).end();
  };

  const stats: RequestHandler = async (_req, res) => {
    res.json(statsView(await admin.stats(actor(res))));
  };

  const listIpRules: RequestHandler = async (_req, res) => {
    const { data, config } = await admin.listIpRules(actor(res));
    res.json({ data: data.map(ipRuleView), config });
  };

  const createIpRule: RequestHandler = async (req, res) => {
    const { rule, created } = await admin.createIpRule(
      actor(res),
      req.body as Parameters<AdminService['createIpRule']>[1],
    );
    if (created) res.setHeader('Location', `/v1/admin/ip-rules/${rule.id}`);
    res.status(created ? 201 : 200).json(ipRuleView(rule));
  };

  const deleteIpRule: RequestHandler = async (req, res) => {
    if (!(await admin.deleteIpRule(actor(res), idParam(req)))) throw notFound();
    res.status(204).end();
  };

  const listSuppressions: RequestHandler = async (_req, res) => {
    const q = query<{ limit: number; cursor?: string }>(res);
    const page = await admin.listSuppressions(actor(res), q.cursor, q.limit);
    res.json({ data: page.data.map(suppressionView), nextCursor: page.nextCursor });
  };

  const addSuppression: RequestHandler = async (req, res) => {
    const { email } = req.body as { email: string };
    const { suppression, created } = await admin.addSuppression(actor(res), email);
    res.status(created ? 201 : 200).json(suppressionView(suppression));
  };

  const removeSuppression: RequestHandler = async (_req, res) => {
    if (!(await admin.removeSuppression(actor(res), emailParam(res)))) throw notFound();
    res.status(204).end();
  };

  const emailMessages: RequestHandler = async (_req, res) => {
    const report = await admin.messagesFor(actor(res), emailParam(res), query<{ limit: number }>(res).limit);
    res.json(deliveryView(report));
  };

  const listAudit: RequestHandler = async (_req, res) => {
    const page = await admin.listAudit(
      actor(res),
      query<{ limit: number; cursor?: string; action?: string }>(res),
    );
    res.json({ data: page.data.map(auditView), nextCursor: page.nextCursor });
  };

  return {
    listAudit,
    listUsers,
    getUser,
    revokeSessions,
    deleteUser,
    resetFactors,
    stats,
    listIpRules,
    createIpRule,
    deleteIpRule,
    listSuppressions,
    addSuppression,
    removeSuppression,
    emailMessages,
  };
}
