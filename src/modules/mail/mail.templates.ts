import type { DigestEmailJob, VerificationEmailJob, WelcomeEmailJob } from './mail.constants';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
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

/** The dark single-column layout of contract §6.4. Every argument must already be escaped. */
function layout(
  heading: string,
  paragraphs: string[],
  button: { label: string; href: string },
  footer: string,
) {
  return `<!doctype html>
<html lang="en"><body style="margin:0;padding:24px;background:#0a0a0f;font-family:Arial,sans-serif;color:#e5e5ef">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="background:#13121c;border-radius:12px;padding:32px">
<tr><td><h1 style="margin:0 0 16px;font-size:22px;color:#ffffff">${heading}</h1>
${paragraphs.map((p) => `<p style="margin:0 0 16px;line-height:1.5">${p}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${button.href}" style="background:#6d28d9;color:#ffffff;padding:12px 24px;border-radius:8px;text-decoration:none;display:inline-block">${button.label}</a></p>
<p style="margin:0;font-size:12px;color:#8b8aa0">${footer}</p>
</td></tr></table></td></tr></table></body></html>`;
}

export function verificationEmail(job: VerificationEmailJob, frontendUrl: string): RenderedEmail {
  const link = `${frontendUrl}/verify-email?token=${encodeURIComponent(job.verifyToken)}`;
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

export function digestEmail(job: DigestEmailJob, frontendUrl: string): RenderedEmail {
  const link = `${frontendUrl}/app/requests`;
  const name = escapeHtml(job.firstName);
  const plural = job.count > 1 ? 's' : '';
  const summary = `${job.count} new connection request${plural} arrived yesterday.`;
  return {
    subject: `You have ${job.count} new connection request${plural} on DevLink`,
    html: layout(
      'New connection requests',
      [`Hi ${name},`, summary],
      { label: 'View requests', href: escapeHtml(link) },
      'You receive this email because developers asked to connect with you on DevLink.',
    ),
    text: [
      `Hi ${job.firstName},`,
      summary,
      '',
      `View requests: ${link}`,
      '',
      'You receive this email because developers asked to connect with you on DevLink.',
    ].join('\n'),
  };
}
