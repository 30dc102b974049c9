import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import request from 'supertest';
import { MailModule } from '../src/modules/mail/mail.module';
import { MissedMessagesWorkerModule } from '../src/modules/missed-messages/missed-messages-worker.module';
import { MISSED_MESSAGES_QUEUE } from '../src/modules/missed-messages/missed-messages.constants';
import { checkJobFor, cooldownKeyOf } from '../src/modules/missed-messages/missed-messages.rules';
import { REDIS_CLIENT } from '../src/common/redis/redis.module';
import type Redis from 'ioredis';
import { ResendStub } from './support/resend-stub';
import { connectUsers, signUpAndLogIn, UserSession } from './support/session';
import { sendMessageOk, TestSocket } from './support/sockets';
import { createTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

/** Long enough for a socket to send and the recipient to read first; short for the suite. */
const DELAY_MS = 1500;

/**
 * Missed messages end to end: the API schedules a check per message, the worker's check (in this
 * process, the worker's modules) decides against the database and Redis presence, and the email
 * goes through the real queue and the Resend SDK to a local stub. Also the preferences and the
 * one-click unsubscribe link the email carries.
 */
describe('Missed-message emails and notification preferences', () => {
  const stub = new ResendStub();
  let t: TestApp;
  let checks: Queue;
  let redis: Redis;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    await stub.start();
    t = await createTestApp({
      env: {
        RESEND_API_KEY: 're_test_key',
        RESEND_BASE_URL: stub.url,
        MISSED_MESSAGE_DELAY_MS: String(DELAY_MS),
        PUBLIC_API_URL: 'https://api.devlink.test',
      },
      imports: [MailModule, MissedMessagesWorkerModule],
      listen: true,
    });
    checks = t.app.get<Queue>(getQueueToken(MISSED_MESSAGES_QUEUE));
    redis = t.app.get<Redis>(REDIS_CLIENT);
  });

  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t.close();
    await stub.stop();
  });

  const open = async (session: UserSession) => {
    const socket = await TestSocket.connect(t.url, session.cookieHeader());
    sockets.push(socket);
    return socket;
  };

  /** What the worker's check of `message` (sent to `to`) decided, once it has run. */
  async function outcomeOf(message: { chatId: string; createdAt: string }, to: UserSession) {
    const { jobId } = checkJobFor(
      message.chatId,
      to.id,
      new Date(message.createdAt),
      DELAY_MS,
      new Date(),
    );
    const job = await until(
      () => checks.getJob(jobId),
      (found) => found !== undefined && found.finishedOn !== undefined,
    );
    return job!.returnvalue as string;
  }

  /** Sends one message and returns what the worker's check of it decided. */
  async function sendAndCheck(tab: TestSocket, to: UserSession, text: string) {
    const message = await sendMessageOk(tab, to.id, text);
    return { outcome: await outcomeOf(message, to), chatId: message.chatId };
  }

  let pairs = 0;
  async function pair() {
    pairs++;
    const sender = await signUpAndLogIn(t, { firstName: `Sender${'ABCDEFGH'[pairs]}` });
    const recipient = await signUpAndLogIn(t, { firstName: `Reader${'ABCDEFGH'[pairs]}` });
    await connectUsers(sender, recipient);
    return { sender, recipient, tab: await open(sender) };
  }

  const missedEmailsTo = (user: UserSession) =>
    stub.delivered.filter(
      (e) => e.recipients[0] === user.user.emailId && e.body.subject.includes('sent you'),
    );

  it('an unread message to someone offline is emailed once per chat, with one-click unsubscribe', async () => {
    const { sender, recipient, tab } = await pair();
    const first = await sendAndCheck(tab, recipient, 'are you there?');
    expect(first.outcome).toBe('emailed');
    const [email] = await stub.waitFor((e) => missedEmailsTo(recipient).includes(e));
    expect(email.body.subject).toBe(`${sender.user.firstName} sent you a message on DevLink`);
    // The text of the message is not in the email.
    expect(email.body.text).not.toContain('are you there?');
    expect(email.body.headers?.['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    const link = /^<(.+)>$/.exec(email.body.headers?.['List-Unsubscribe'] ?? '')?.[1];
    expect(link).toMatch(/^https:\/\/api\.devlink\.test\/notifications\/unsubscribe\?/);
    expect(email.body.text).toContain(link);

    // The cooldown holds every later check of this chat.
    // (The client adds the namespace's key prefix.)
    const cooldown = await redis.pttl(cooldownKeyOf(first.chatId, recipient.id));
    expect(cooldown).toBeGreaterThan(5 * 3_600_000);
    expect((await sendAndCheck(tab, recipient, 'hello?')).outcome).toBe('coolingDown');
    expect(missedEmailsTo(recipient)).toHaveLength(1);

    // The link turns the emails off without a login; the preference shows it.
    const url = new URL(link!);
    const unsubscribed = await request(t.server)
      .post(url.pathname + url.search)
      .type('form')
      .send('List-Unsubscribe=One-Click')
      .expect(200);
    expect(unsubscribed.body).toEqual({
      success: true,
      message: 'You will no longer get emails about messages you missed',
    });
    expect((await recipient.get('/profile/notifications').expect(200)).body.data).toEqual({
      digest: true,
      missedMessages: false,
    });
  });

  it('no email when the recipient read the chat in time, is online, or turned the emails off', async () => {
    const read = await pair();
    const message = await sendMessageOk(read.tab, read.recipient.id, 'quick one');
    await read.recipient.post(`/chat/${read.sender.id}/read`).expect(200);
    expect(await outcomeOf(message, read.recipient)).toBe('read');

    const online = await pair();
    await open(online.recipient);
    expect((await sendAndCheck(online.tab, online.recipient, 'you are here')).outcome).toBe(
      'online',
    );

    const optedOut = await pair();
    await optedOut.recipient.patch('/profile/notifications', { missedMessages: false }).expect(200);
    expect((await sendAndCheck(optedOut.tab, optedOut.recipient, 'anyone?')).outcome).toBe(
      'optedOut',
    );

    for (const recipient of [read.recipient, online.recipient, optedOut.recipient]) {
      expect(missedEmailsTo(recipient)).toEqual([]);
    }
  });

  it('preferences: all on by default, changed one at a time, bad input refused with a reason', async () => {
    const user = await signUpAndLogIn(t, { firstName: 'Prefs' });
    expect((await user.get('/profile/notifications').expect(200)).body).toEqual({
      success: true,
      message: 'Notification preferences retrieved successfully',
      data: { digest: true, missedMessages: true },
    });
    const changed = await user.patch('/profile/notifications', { digest: false }).expect(200);
    expect(changed.body.data).toEqual({ digest: false, missedMessages: true });
    const stored = await t.connection.collection('users').findOne({ emailId: user.user.emailId });
    expect(stored?.notificationPrefs).toEqual({ digest: false });
    // The caller's own view is not widened by the preference.
    expect((await user.get('/profile').expect(200)).body.data.notificationPrefs).toBeUndefined();

    const refusals: [unknown, string][] = [
      [{}, 'Send digest, missedMessages or both, each true or false'],
      [{ digest: 'no' }, 'digest must be true or false'],
      [{ missedMessages: { $gt: '' } }, ''],
      [{ digest: true, email: false }, 'Only digest and missedMessages may be changed'],
    ];
    for (const [body, message] of refusals) {
      const res = await user.patch('/profile/notifications', body as object).expect(400);
      expect(res.body.success).toBe(false);
      if (message) expect(res.body.message).toBe(message);
    }
    expect((await user.get('/profile/notifications').expect(200)).body.data).toEqual({
      digest: false,
      missedMessages: true,
    });

    await request(t.server).get('/profile/notifications').expect(401);
    await request(t.server).patch('/profile/notifications').send({ digest: true }).expect(401);
  });

  it('unsubscribe links are signed for one user and one list; the GET only shows a button', async () => {
    const user = await signUpAndLogIn(t, { firstName: 'Links' });
    const other = await signUpAndLogIn(t, { firstName: 'Other' });
    const stub2 = await sendDigestLinkFor(user);
    const url = new URL(stub2);

    const page = await request(t.server)
      .get(url.pathname + url.search)
      .expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('<form method="post"');
    // Showing the page changed nothing.
    expect((await user.get('/profile/notifications').expect(200)).body.data.digest).toBe(true);

    const forged = new URL(stub2);
    forged.searchParams.set('user', other.id);
    const wrongList = new URL(stub2);
    wrongList.searchParams.set('list', 'missedMessages');
    for (const bad of [forged, wrongList]) {
      const res = await request(t.server)
        .post(bad.pathname + bad.search)
        .expect(400);
      expect(res.body.message).toBe(
        'This unsubscribe link is not valid; change your email settings in the app instead',
      );
    }
    const malformed = await request(t.server)
      .post('/notifications/unsubscribe?user=nope&list=digest&sig=x')
      .expect(400);
    expect(malformed.body.message).toMatch(/user must be a user id/);
    await request(t.server)
      .post(`/notifications/unsubscribe?user=${user.id}&list=everything&sig=x`)
      .expect(400);
    for (const session of [user, other]) {
      expect((await session.get('/profile/notifications').expect(200)).body.data.digest).toBe(true);
    }

    // A browser posting the page's form gets a page back; a repeat is harmless.
    const done = await request(t.server)
      .post(url.pathname + url.search)
      .set('Accept', 'text/html')
      .expect(200);
    expect(done.text).toContain('You will no longer get the daily digest of connection requests');
    await request(t.server)
      .post(url.pathname + url.search)
      .expect(200);
    expect((await user.get('/profile/notifications').expect(200)).body.data).toEqual({
      digest: false,
      missedMessages: true,
    });
    expect((await other.get('/profile/notifications').expect(200)).body.data.digest).toBe(true);
  });

  /** The digest's unsubscribe link for `user`, as the worker renders it into a real email. */
  async function sendDigestLinkFor(user: UserSession): Promise<string> {
    const { MailProducer } = await import('../src/modules/mail/mail.producer');
    await t.app
      .get(MailProducer)
      .sendDigest(
        { userId: user.id, to: user.user.emailId, firstName: user.user.firstName, count: 2 },
        `links-${user.id}`,
      );
    const [email] = await stub.waitFor(
      (e) => e.recipients[0] === user.user.emailId && e.body.subject.includes('connection request'),
    );
    const link = /^<(.+)>$/.exec(email.body.headers?.['List-Unsubscribe'] ?? '')?.[1];
    if (!link) throw new Error('no List-Unsubscribe header on the digest');
    return link;
  }
});
