import { NotificationsRepository } from '../notifications/notifications.repository';
import { Injectable, Logger } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { Types } from 'mongoose';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator';
import { appError } from '../../common/errors/app-error';
import { SessionsService } from '../auth/sessions.service';
import { BlocksRepository } from '../blocks/blocks.repository';
import { ConnectionsRepository } from '../connections/connections.repository';
import { MailProducer } from '../mail/mail.producer';
import { PaymentsRepository } from '../payments/payments.repository';
import { PresenceService } from '../presence/presence.service';
import { ReportsRepository } from '../safety/reports.repository';
import { USER_ERRORS } from '../users/users.errors';
import { UsersRepository } from '../users/users.repository';
import { PROFILE_ERRORS } from './profile.errors';

/** What the deletion needs to know about the account, captured before anything is removed. */
export interface DeletedAccount {
  userId: Types.ObjectId;
  emailId: string;
  firstName: string;
}

/** One module's part of a deletion: idempotent (a second run finds nothing left to do). */
export interface DeletionStep {
  name: string;
  run: (account: DeletedAccount) => Promise<unknown>;
}

/**
 * `DELETE /profile`: checks the password, then runs {@link steps} in order, each a module's own
 * removal method.
 *
 * Why the order is safe if the process dies midway: every step is idempotent, and the user
 * document is deleted last. Until then the account still exists and its password still works,
 * so the user can sign in again and run the deletion once more, which skips what is done and
 * finishes the rest (a crash leaves a smaller account, never an orphan nobody can reach).
 * Sessions go first so that no device of the user adds requests, messages or payments while the
 * rest is removed. Chats and messages are not touched: the other participants keep their
 * history, which shows this user as a deleted user once the document is gone. The confirmation
 * email is enqueued after the document is deleted (never for an account that still exists); it
 * is the one step a crash can lose (logged).
 */
@Injectable()
export class AccountDeletionService {
  private readonly logger = new Logger(AccountDeletionService.name);

  /**
   * The clean-up of every module that stores something about a user, in order. A new collection
   * that references users adds its removal here, before `user`; keep each step idempotent.
   */
  private readonly steps: DeletionStep[] = [
    {
      // Refresh tokens stop at once, access tokens on their next request, everywhere.
      name: 'sessions',
      run: (account) => this.sessions.revokeAllOf(account.userId, 'account-deleted'),
    },
    {
      // Each instance parks the user's sockets and closes their transports, as after a logout.
      name: 'sockets',
      run: (account) => {
        this.presence.endSocketsOf(account.userId.toHexString());
        return Promise.resolve();
      },
    },
    {
      // Both directions; the other users' lists, feeds and decks are invalidated per pair.
      name: 'requests-and-connections',
      run: async (account) => {
        const former = await this.connections.removeAllOf(account.userId);
        for (const other of former) {
          this.presence.connectionRemoved(account.userId.toHexString(), other.toHexString());
        }
      },
    },
    {
      // Kept for accounting, without the user's id or personal notes.
      name: 'payments',
      run: (account) => this.payments.detachFromUser(account.userId),
    },
    {
      name: 'queued-emails',
      run: (account) => this.mail.dropQueuedFor(account.userId.toHexString(), account.emailId),
    },
    {
      // Their inbox; notifications they caused elsewhere stay, shown without an actor.
      name: 'notifications',
      run: (account) => this.notifications.removeAllOf(account.userId),
    },
    {
      // Both directions. The other side's block cache and feed exclusions are invalidated as an
      // unblock does, so no instance keeps hiding or refusing on a block that is gone.
      name: 'blocks',
      run: async (account) => {
        const others = await this.blocks.removeAllOf(account.userId);
        for (const other of others) {
          await this.connections.blocksChanged(account.userId, other, { lifted: true });
        }
      },
    },
    {
      // Reports they filed stay for moderation without their id. Reports about them stay as
      // they are: the moderation record of what they did outlives the account (the target id
      // then names nobody).
      name: 'reports',
      run: (account) => this.reports.detachReporter(account.userId),
    },
    {
      // Last: frees the address for a new signup; the cached copy and the feed tier list go too.
      name: 'user',
      run: (account) => this.users.deleteAccount(account.userId),
    },
  ];

  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly presence: PresenceService,
    private readonly connections: ConnectionsRepository,
    private readonly payments: PaymentsRepository,
    private readonly mail: MailProducer,
    private readonly notifications: NotificationsRepository,
    private readonly blocks: BlocksRepository,
    private readonly reports: ReportsRepository,
  ) {}

  async delete(caller: AuthenticatedUser, password: string): Promise<void> {
    const stored = await this.users.findByIdWithPassword(caller.userId);
    if (!stored) throw appError(USER_ERRORS.notFound);
    if (!(await bcrypt.compare(password, stored.password))) {
      throw appError(PROFILE_ERRORS.deletePasswordIncorrect);
    }
    const account: DeletedAccount = {
      userId: stored._id,
      emailId: stored.emailId,
      firstName: stored.firstName,
    };
    const userId = account.userId.toHexString();
    for (const step of this.steps) {
      await step.run(account);
      this.logger.log({ msg: 'Account deletion step done', step: step.name, userId });
    }
    const queued = await this.mail.sendAccountDeleted({
      userId,
      to: account.emailId,
      firstName: account.firstName,
    });
    this.logger.log({ msg: 'Account deleted', userId, confirmationQueued: queued });
  }
}
