import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { appError } from '../../common/errors/app-error';
import { SessionsService } from '../auth/sessions.service';
import { ChatService } from '../chat/chat.service';
import { ConnectionsRepository } from '../connections/connections.repository';
import { PaymentsRepository } from '../payments/payments.repository';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import {
  AccountExportView,
  capped,
  EXPORT_LIMITS,
  toExportPerson,
  toExportProfile,
} from './account-export.views';
import { ExportLimiter } from './export-limiter';

/**
 * `GET /profile/export`: everything stored about the caller, each part read through the module
 * that owns it, every list capped (EXPORT_LIMITS; a list past its cap says `truncated`), so one
 * export holds at most a bounded document in memory however long the history.
 */
@Injectable()
export class AccountExportService {
  constructor(
    private readonly limiter: ExportLimiter,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly connections: ConnectionsRepository,
    private readonly chat: ChatService,
    private readonly payments: PaymentsRepository,
  ) {}

  async export(caller: AuthenticatedUser, now = new Date()): Promise<AccountExportView> {
    await this.limiter.consume(caller.userId, now.getTime());
    const { userId } = caller;
    const [user, edges, messages, payments, sessions] = await Promise.all([
      this.users.findOwnRecord(userId),
      this.connections.allOf(userId, EXPORT_LIMITS.connections + 1),
      this.chat.messagesSentBy(userId, EXPORT_LIMITS.messages),
      this.payments.allOf(userId, EXPORT_LIMITS.payments + 1),
      this.sessions.listOf(userId, EXPORT_LIMITS.sessions + 1),
    ]);
    if (!user) throw appError(USER_ERRORS.notFound);
    const connections = capped(edges, EXPORT_LIMITS.connections);
    const otherOf = (edge: (typeof edges)[number]) =>
      edge.fromUserId.equals(userId) ? edge.toUserId : edge.fromUserId;
    const others = new Map(
      (await this.users.findManyByIds(connections.items.map(otherOf))).map((u) => [
        u._id.toHexString(),
        u,
      ]),
    );
    const profile = toExportProfile(user, now);
    return {
      exportedAt: now.toISOString(),
      profile,
      membership: {
        membershipType: profile.membershipType,
        billingCycle: profile.billingCycle,
        membershipExpiry: profile.membershipExpiry,
      },
      connections: {
        truncated: connections.truncated,
        items: connections.items.map((edge) => {
          const otherId = otherOf(edge);
          return {
            _id: edge._id.toHexString(),
            status: edge.status,
            direction: edge.fromUserId.equals(userId) ? ('sent' as const) : ('received' as const),
            user: toExportPerson(otherId, others.get(otherId.toHexString())),
            createdAt: edge.createdAt.toISOString(),
            updatedAt: edge.updatedAt.toISOString(),
          };
        }),
      },
      messages,
      payments: mapList(capped(payments, EXPORT_LIMITS.payments), (payment) => ({
        orderId: payment.orderId,
        paymentId: payment.paymentId ?? null,
        amount: payment.amount,
        currency: payment.currency,
        receipt: payment.receipt,
        membershipType: payment.membershipType,
        billingCycle: payment.billingCycle,
        status: payment.status,
        createdAt: payment.createdAt.toISOString(),
        updatedAt: payment.updatedAt.toISOString(),
      })),
      sessions: mapList(capped(sessions, EXPORT_LIMITS.sessions), (session) => ({
        _id: session._id.toHexString(),
        userAgent: session.userAgent ?? null,
        createdAt: session.createdAt.toISOString(),
        expiresAt: session.expiresAt.toISOString(),
        revokedAt: session.revokedAt ? session.revokedAt.toISOString() : null,
        current: session._id.equals(caller.sessionId),
      })),
    };
  }
}

function mapList<T, U>(list: { items: T[]; truncated: boolean }, map: (item: T) => U) {
  return { items: list.items.map(map), truncated: list.truncated };
}
