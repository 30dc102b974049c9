import { Injectable, Logger } from '@nestjs/common';
import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../common/database/duplicate-key';
import { AppError, appError } from '../../common/errors/app-error';
import type { PageInfo } from '../../common/pagination/page-query.dto';
import { retryAfterFields } from '../../common/throttling/rate-limit-response';
import { isSelf } from '../blocks/block.rules';
import { BlocksRepository } from '../blocks/blocks.repository';
import { ConnectionsRepository } from '../connections/connections.repository';
import { PresenceService } from '../presence/presence.service';
import {
  toRequestView,
  toSafeView,
  type RequestUserView,
  type SafeUserView,
} from '../users/user.views';
import { UsersRepository } from '../users/users.repository';
import type { CloseReportDto } from './dto/close-report.dto';
import type { ReportDto } from './dto/report.dto';
import { ReportLimiter } from './report-limiter';
import type { ReportReason, ReportStatus } from './report.rules';
import type { ReportRecord } from './report.schema';
import { ReportsRepository } from './reports.repository';
import { SAFETY_ERRORS } from './safety.errors';

export interface PageRequest {
  page: number;
  limit: number;
}

export interface BlockView {
  /** The blocked user. */
  userId: string;
  blockedAt: string;
}

export interface ReportView {
  _id: string;
  reason: ReportReason;
  details: string | null;
  status: ReportStatus;
  createdAt: string;
}

export interface AdminReportView extends ReportView {
  /** Null once the reporter deleted their account. */
  reporterId: string | null;
  targetId: string;
  /** The reporter's public fields; null once the account is gone. */
  reporter: RequestUserView | null;
  /** The reported user's public fields; null once the account is gone. */
  target: RequestUserView | null;
  /** The moderator's note; null when none (or not decided). */
  note: string | null;
  /** When a moderator decided; null while open. */
  resolvedAt: string | null;
}

function toReportView(report: ReportRecord): ReportView {
  return {
    _id: report._id.toHexString(),
    reason: report.reason,
    details: report.details,
    status: report.status,
    createdAt: report.createdAt.toISOString(),
  };
}

/**
 * Blocking and reporting. A block (rules in `blocks/block.rules.ts`) hides the pair from each
 * other: it deletes their pending request or connection, rebuilds both feeds' exclusions and
 * clears each other's online dot; requests, chat sends and presence consult the `blocks`
 * collection from then on. Reports are stored for the admins (`GET /admin/reports`), who close
 * them (`PATCH /admin/reports/:reportId`).
 */
@Injectable()
export class SafetyService {
  private readonly logger = new Logger(SafetyService.name);

  constructor(
    private readonly blocks: BlocksRepository,
    private readonly connections: ConnectionsRepository,
    private readonly users: UsersRepository,
    private readonly presence: PresenceService,
    private readonly reports: ReportsRepository,
    private readonly limiter: ReportLimiter,
  ) {}

  /** Idempotent: blocking again keeps the first block (and its date) and answers the same. */
  async block(
    callerId: Types.ObjectId,
    targetId: Types.ObjectId,
    now = new Date(),
  ): Promise<BlockView> {
    if (isSelf(callerId, targetId)) throw appError(SAFETY_ERRORS.blockSelf);
    if (!(await this.users.findById(targetId))) throw appError(SAFETY_ERRORS.userNotFound);
    const { block, created } = await this.blocks.block(callerId, targetId, now);
    // Also on a repeated block: it repairs a request that raced the first one.
    const removed = await this.connections.removeForBlock(callerId, targetId);
    if (created) await this.connections.blocksChanged(callerId, targetId);
    if (removed?.status === 'accepted') {
      // Clears each side's online dot of the other, as removing a connection does.
      this.presence.connectionRemoved(callerId.toHexString(), targetId.toHexString());
    }
    if (created) {
      this.logger.log({
        msg: 'User blocked',
        blockerId: callerId.toHexString(),
        blockedId: targetId.toHexString(),
        removed: removed?.status ?? null,
      });
    }
    return { userId: targetId.toHexString(), blockedAt: block.createdAt.toISOString() };
  }

  /** Lifts the caller's own block only; the connection it removed does not come back. */
  async unblock(callerId: Types.ObjectId, targetId: Types.ObjectId): Promise<void> {
    if (!(await this.blocks.unblock(callerId, targetId))) {
      throw appError(SAFETY_ERRORS.blockNotFound);
    }
    await this.connections.blocksChanged(callerId, targetId, { lifted: true });
  }

  /** Whom the caller blocked, newest first; blocked accounts that no longer exist are skipped. */
  async blocked(callerId: Types.ObjectId, page: PageRequest) {
    const rows = await this.blocks.page(callerId, (page.page - 1) * page.limit, page.limit);
    const users = await this.users.findManyByIds(rows.map((row) => row.blockedId));
    const now = new Date();
    const data: SafeUserView[] = users.map((user) => toSafeView(user, now));
    const pagination: PageInfo = {
      page: page.page,
      limit: page.limit,
      hasMore: rows.length === page.limit,
    };
    return { data, pagination };
  }

  /**
   * Order of checks: yourself (400), the target exists (404), the reporter's hourly quota (429,
   * counting every report that got this far), one open report per pair (409).
   */
  async report(
    callerId: Types.ObjectId,
    targetId: Types.ObjectId,
    body: ReportDto,
    now = new Date(),
  ): Promise<ReportView> {
    if (isSelf(callerId, targetId)) throw appError(SAFETY_ERRORS.reportSelf);
    if (!(await this.users.findById(targetId))) throw appError(SAFETY_ERRORS.userNotFound);
    const quota = await this.limiter.take(callerId.toHexString());
    if (quota.outcome === 'refused') {
      const retry = retryAfterFields(quota.retryAfterSeconds, now.getTime());
      const entry = SAFETY_ERRORS.reportRateLimited;
      throw new AppError(entry, entry.message(retry.retryAfter), retry);
    }
    try {
      const report = await this.reports.insert({
        reporterId: callerId,
        targetId,
        reason: body.reason,
        details: body.details || null,
        now,
      });
      this.logger.log({
        msg: 'User reported',
        reportId: report._id.toHexString(),
        reason: report.reason,
      });
      return toReportView(report);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw appError(SAFETY_ERRORS.reportAlreadyOpen);
      throw error;
    }
  }

  /** Reports newest first (all, or those of one status), with both users' public fields. */
  async allReports(page: PageRequest & { status?: ReportStatus }) {
    const rows = await this.reports.page((page.page - 1) * page.limit, page.limit, page.status);
    const pagination: PageInfo = {
      page: page.page,
      limit: page.limit,
      hasMore: rows.length === page.limit,
    };
    return { data: await this.adminViews(rows), pagination };
  }

  /** A moderator's decision; deciding again replaces it. Unknown id: 404. */
  async closeReport(
    reportId: Types.ObjectId,
    decision: CloseReportDto,
    now = new Date(),
  ): Promise<AdminReportView> {
    const report = await this.reports.close(reportId, decision, now);
    if (!report) throw appError(SAFETY_ERRORS.reportNotFound);
    this.logger.log({
      msg: 'Report closed',
      reportId: report._id.toHexString(),
      status: report.status,
    });
    const [view] = await this.adminViews([report]);
    return view;
  }

  private async adminViews(rows: ReportRecord[]): Promise<AdminReportView[]> {
    const ids = new Map(
      rows
        .flatMap((row) => (row.reporterId ? [row.reporterId, row.targetId] : [row.targetId]))
        .map((id) => [id.toHexString(), id]),
    );
    const users = new Map(
      (await this.users.findManyByIds([...ids.values()])).map((user) => [
        user._id.toHexString(),
        user,
      ]),
    );
    const now = new Date();
    const viewOf = (id: Types.ObjectId | null) => {
      const user = id && users.get(id.toHexString());
      return user ? toRequestView(user, now) : null;
    };
    return rows.map((row) => ({
      ...toReportView(row),
      reporterId: row.reporterId?.toHexString() ?? null,
      targetId: row.targetId.toHexString(),
      reporter: viewOf(row.reporterId),
      target: viewOf(row.targetId),
      note: row.note ?? null,
      resolvedAt: row.resolvedAt?.toISOString() ?? null,
    }));
  }
}
