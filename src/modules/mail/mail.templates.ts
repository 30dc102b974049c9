import type {
  AccountDeletedEmailJob,
  DigestEmailJob,
  PasswordChangedEmailJob,
  PasswordResetEmailJob,
  PaymentReceiptEmailJob,
  VerificationEmailJob,
  WelcomeEmailJob,
  MissedMessagesEmailJob,
} from './mail.constants';
import { listUnsubscribeHeaders } from '../notifications/unsubscribe-link';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Extra headers (List-Unsubscribe on the emails a user may turn off). */
  headers?: Record<string, string>;
}

const UNSUBSCRIBE_NOTE = 'Unsubscribe from these emails';

/**
 * The text line and the RFC 8058 headers of an email a user may turn off; its HTML gets the link
 * from {@link layout}.
 */
function unsubscribable(email: RenderedEmail, unsubscribeUrl: string): RenderedEmail {
  return {
    ...email,
    text: `${email.text}\n${UNSUBSCRIBE_NOTE}: ${unsubscribeUrl}`,
    headers: listUnsubscribeHeaders(unsubscribeUrl),
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]);
}

/**
 * The dark single-column layout of contract §6.4. Every argument must already be escaped, except
 * `unsubscribeUrl` (escaped here): the link under the footer of an email a user may turn off.
 */
function layout(
  heading: string,
  paragraphs: string[],
  button: { label: string; href: string },
  footer: string,
  unsubscribeUrl?: string,
) {
  const unsubscribe = unsubscribeUrl
    ? `\n<p style="margin:8px 0 0;font-size:12px"><a href="${escapeHtml(unsubscribeUrl)}" style="color:#8b8aa0">${UNSUBSCRIBE_NOTE}</a></p>`
    : '';
  return `<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#0a0a0f;font-family:Arial,sans-serif;color:#e5e5ef">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#13121c;border-radius:12px;padding:32px">
<tr><td><h1 style="margin:0 0 16px;font-size:22px;color:#ffffff">${heading}</h1>
${paragraphs.map((p) => `<p style="margin:0 0 16px;line-height:1.5">${p}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${button.href}" style="background:#6d28d9;color:#ffffff;padding:12px 24px;border-radius:8px;text-decoration:none;display:inline-block">${button.label}</a></p>
<p style="margin:0;font-size:12px;color:#8b8aa0">${footer}</p>${unsubscribe}
</td></tr></table></td></tr></table></body></html>`;
}

export function verificationEmail(
  job: Pick<VerificationEmailJob, 'firstName'>,
  token: string,
  frontendUrl: string,
): RenderedEmail {
  const link = `${frontendUrl}/verify-email?token=${encodeURIComponent(token)}`;
  const name = escapeHtml(job.firstName);
  return {
    subject: 'Verify your DevLink email',
    html: layout(
      'Verify your email address',
      [
        `Hi ${name},`,
        'Thanks for signing up for DevLink. Please confirm your email address to activate your account.',
      ],
      { label: 'Verify email', href: escapeHtml(link) },
      'This link is valid for 24 hours. If you did not sign up for DevLink, you can ignore this email.',
    ),
    text: [
      `Hi ${job.firstName},`,
      '',
      'Thanks for signing up for DevLink. Confirm your email address by opening this link:',
      link,
      '',
      'This link is valid for 24 hours. If you did not sign up for DevLink, you can ignore this email.',
    ].join('\n'),
  };
}

export function welcomeEmail(job: WelcomeEmailJob, frontendUrl: string): RenderedEmail {
  const link = `${frontendUrl}/login`;
  const name = escapeHtml(job.firstName);
  return {
    subject: 'Welcome to DevLink 🎉',
    html: layout(
      'Welcome to DevLink',
      [`Hi ${name}, your account is ready.`, 'Start building your developer network today.'],
      { label: 'Sign in', href: escapeHtml(link) },
      'Tip: complete your profile and add your skills so other developers can find you.',
    ),
    text: [
      `Hi ${job.firstName}, your account is ready.`,
      'Start building your developer network today.',
      '',
      `Sign in: ${link}`,
      '',
      'Tip: complete your profile and add your skills so other developers can find you.',
    ].join('\n'),
  };
}

export function digestEmail(
  job: DigestEmailJob,
  frontendUrl: string,
  unsubscribeUrl: string,
): RenderedEmail {
  const link = `${frontendUrl}/app/requests`;
  const name = escapeHtml(job.firstName);
  const plural = job.count > 1 ? 's' : '';
  const summary = `${job.count} new connection request${plural} arrived yesterday.`;
  return unsubscribable(
    {
      subject: `You have ${job.count} new connection request${plural} on DevLink`,
      html: layout(
        'New connection requests',
        [`Hi ${name},`, summary],
        { label: 'View requests', href: escapeHtml(link) },
        'You receive this email because developers asked to connect with you on DevLink.',
        unsubscribeUrl,
      ),
      text: [
        `Hi ${job.firstName},`,
        summary,
        '',
        `View requests: ${link}`,
        '',
        'You receive this email because developers asked to connect with you on DevLink.',
      ].join('\n'),
    },
    unsubscribeUrl,
  );
}

/** A message waited unread while the recipient was offline (one per chat per cooldown). */
export function missedMessagesEmail(
  job: MissedMessagesEmailJob,
  frontendUrl: string,
  unsubscribeUrl: string,
): RenderedEmail {
  const link = `${frontendUrl}/`;
  const plural = job.unread > 1 ? 's' : '';
  const messages = job.unread > 1 ? `${job.unread} messages` : 'a message';
  const summary = (from: string) =>
    `${from} sent you ${messages} on DevLink that you have not read yet.`;
  const footer = 'You receive this email because a connection messaged you while you were away.';
  return unsubscribable(
    {
      subject: `${job.fromName} sent you ${messages} on DevLink`,
      html: layout(
        `Unread message${plural}`,
        [`Hi ${escapeHtml(job.firstName)},`, summary(escapeHtml(job.fromName))],
        { label: 'Open DevLink', href: escapeHtml(link) },
        footer,
        unsubscribeUrl,
      ),
      text: [
        `Hi ${job.firstName},`,
        summary(job.fromName),
        '',
        `Open DevLink: ${link}`,
        '',
        footer,
      ].join('\n'),
    },
    unsubscribeUrl,
  );
}

const titleCase = (value: string) => value.charAt(0) + value.slice(1).toLowerCase();

/** 49900 paise → "₹499.00" (en-IN grouping: 799900 → "₹7,999.00"); other currencies by code. */
export function formatAmount(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en-IN', { style: 'currency', currency }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency}`;
  }
}

/** "28 February 2026" in UTC (the expiry is stored as a UTC instant). */
function formatDate(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(iso));
}

export function paymentReceiptEmail(
  job: PaymentReceiptEmailJob,
  frontendUrl: string,
): RenderedEmail {
  const link = `${frontendUrl}/app/premium`;
  const plan = titleCase(job.membershipType);
  const cycle = titleCase(job.billingCycle);
  const amount = formatAmount(job.amount, job.currency);
  const expiry = formatDate(job.membershipExpiry);
  const lines = [
    `Plan: ${plan} (${cycle})`,
    `Amount paid: ${amount}`,
    `Valid until: ${expiry}`,
    `Payment: ${job.paymentId}`,
    `Order: ${job.orderId}`,
  ];
  return {
    subject: `Your DevLink ${plan} receipt`,
    html: layout(
      `Thanks for upgrading to ${escapeHtml(plan)}`,
      [
        `Hi ${escapeHtml(job.firstName)},`,
        'Your payment was received and your plan is active.',
      ].concat([lines.map(escapeHtml).join('<br>')]),
      { label: 'View your plan', href: escapeHtml(link) },
      'Keep this email as your receipt. Questions about a payment? Reply with the payment id.',
    ),
    text: [
      `Hi ${job.firstName},`,
      'Your payment was received and your plan is active.',
      '',
      ...lines,
      '',
      `View your plan: ${link}`,
      '',
      'Keep this email as your receipt. Questions about a payment? Reply with the payment id.',
    ].join('\n'),
  };
}

export function passwordResetEmail(
  job: Pick<PasswordResetEmailJob, 'firstName'>,
  token: string,
  frontendUrl: string,
): RenderedEmail {
  const link = `${frontendUrl}/reset-password?token=${encodeURIComponent(token)}`;
  const footer =
    'This link is valid for 30 minutes and works once. If you did not ask to reset your ' +
    'password, you can ignore this email: your password stays the same.';
  return {
    subject: 'Reset your DevLink password',
    html: layout(
      'Reset your password',
      [
        `Hi ${escapeHtml(job.firstName)},`,
        'Someone (hopefully you) asked to reset the password of your DevLink account.',
      ],
      { label: 'Choose a new password', href: escapeHtml(link) },
      footer,
    ),
    text: [
      `Hi ${job.firstName},`,
      '',
      'Someone (hopefully you) asked to reset the password of your DevLink account. Choose a new password here:',
      link,
      '',
      footer,
    ].join('\n'),
  };
}

export function passwordChangedEmail(
  job: PasswordChangedEmailJob,
  frontendUrl: string,
): RenderedEmail {
  const link = `${frontendUrl}/forgot-password`;
  const summary =
    'The password of your DevLink account was just changed, and every device was signed out.';
  const footer = 'If this was not you, reset your password now and check your email account.';
  return {
    subject: 'Your DevLink password was changed',
    html: layout(
      'Your password was changed',
      [`Hi ${escapeHtml(job.firstName)},`, summary],
      { label: 'Reset password', href: escapeHtml(link) },
      footer,
    ),
    text: [`Hi ${job.firstName},`, summary, '', `Reset password: ${link}`, '', footer].join('\n'),
  };
}
export function accountDeletedEmail(
  job: AccountDeletedEmailJob,
  frontendUrl: string,
): RenderedEmail {
  const link = frontendUrl;
  const name = escapeHtml(job.firstName);
  return {
    subject: 'Your DevLink account has been deleted',
    html: layout(
      'Your account has been deleted',
      [
        `Hi ${name},`,
        'Your DevLink account, profile, connections and requests have been deleted, and you have been signed out everywhere.',
        "Messages you sent stay in your former connections' chats, shown as from a deleted user. Payment records are kept for accounting, without your name or address.",
      ],
      { label: 'Join again', href: escapeHtml(link) },
      'If you did not ask for this, reply to this email.',
    ),
    text: [
      `Hi ${job.firstName},`,
      'Your DevLink account, profile, connections and requests have been deleted, and you have been signed out everywhere.',
      "Messages you sent stay in your former connections' chats, shown as from a deleted user. Payment records are kept for accounting, without your name or address.",
      '',
      `Join again: ${link}`,
      '',
      'If you did not ask for this, reply to this email.',
    ].join('\n'),
  };
}
