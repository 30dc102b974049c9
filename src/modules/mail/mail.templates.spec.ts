import {
  accountDeletedEmail,
  digestEmail,
  missedMessagesEmail,
  escapeHtml,
  formatAmount,
  passwordChangedEmail,
  passwordResetEmail,
  paymentReceiptEmail,
  verificationEmail,
  welcomeEmail,
} from './mail.templates';

describe('email templates', () => {
  const frontendUrl = 'https://app.devlink.test';
  const unsubscribe = 'https://api.devlink.test/notifications/unsubscribe?user=u&list=digest&sig=s';

  it('escapes user input in HTML but keeps it readable in text', () => {
    const email = welcomeEmail(
      { userId: 'u', to: 'x@y.co', firstName: '<img src=x onerror=alert(1)>&"' },
      frontendUrl,
    );
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;&amp;&quot;');
    expect(email.text).toContain('<img src=x onerror=alert(1)>&"');
  });

  it('verification: exact subject and a FRONTEND_URL link carrying the token', () => {
    const token = 'ab'.repeat(32);
    const email = verificationEmail({ firstName: 'Asha' }, token, frontendUrl);
    expect(email.subject).toBe('Verify your DevLink email');
    expect(email.html).toContain(`href="${frontendUrl}/verify-email?token=${token}"`);
    expect(email.text).toContain(`${frontendUrl}/verify-email?token=${token}`);
    expect(email.text).toContain('24 hours');
  });

  it('welcome and digest subjects follow the contract, including the plural rule', () => {
    expect(welcomeEmail({ userId: 'u', to: 'x', firstName: 'A' }, frontendUrl).subject).toBe(
      'Welcome to DevLink 🎉',
    );
    expect(
      digestEmail({ userId: 'u', to: 'x', firstName: 'A', count: 1 }, frontendUrl, unsubscribe)
        .subject,
    ).toBe('You have 1 new connection request on DevLink');
    const many = digestEmail(
      { userId: 'u', to: 'x', firstName: 'A', count: 3 },
      frontendUrl,
      unsubscribe,
    );
    expect(many.subject).toBe('You have 3 new connection requests on DevLink');
    expect(many.html).toContain(`${frontendUrl}/app/requests`);
  });

  it('the digest and missed-message emails carry one-click unsubscribe (RFC 8058) and the link', () => {
    const job = { userId: 'u', to: 'x', firstName: 'A', chatId: 'c', fromName: 'Ravi', unread: 1 };
    for (const email of [
      digestEmail({ userId: 'u', to: 'x', firstName: 'A', count: 2 }, frontendUrl, unsubscribe),
      missedMessagesEmail(job, frontendUrl, unsubscribe),
    ]) {
      expect(email.headers).toEqual({
        'List-Unsubscribe': `<${unsubscribe}>`,
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      });
      expect(email.html).toContain(`href="${unsubscribe.replace(/&/g, '&amp;')}"`);
      expect(email.text).toContain(`Unsubscribe from these emails: ${unsubscribe}`);
    }
    expect(welcomeEmail(job, frontendUrl).headers).toBeUndefined();
  });

  it('missed messages: who wrote and how many, never the texts; the name escaped', () => {
    const one = missedMessagesEmail(
      { userId: 'u', to: 'x', firstName: 'Asha', chatId: 'c', fromName: '<i>Ravi</i>', unread: 1 },
      frontendUrl,
      unsubscribe,
    );
    expect(one.subject).toBe('<i>Ravi</i> sent you a message on DevLink');
    expect(one.html).toContain('&lt;i&gt;Ravi&lt;/i&gt; sent you a message');
    expect(one.html).not.toContain('<i>Ravi');
    const three = missedMessagesEmail(
      { userId: 'u', to: 'x', firstName: 'Asha', chatId: 'c', fromName: 'Ravi', unread: 3 },
      frontendUrl,
      unsubscribe,
    );
    expect(three.subject).toBe('Ravi sent you 3 messages on DevLink');
    expect(three.text).toContain(`Open DevLink: ${frontendUrl}/`);
  });

  it('escapeHtml covers the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('payment receipt: plan, cycle, amount in INR and the new expiry; the name escaped', () => {
    const email = paymentReceiptEmail(
      {
        userId: 'u',
        to: 'x@y.co',
        firstName: '<b>Asha</b>',
        orderId: 'order_1',
        paymentId: 'pay_1',
        membershipType: 'ELITE',
        billingCycle: 'YEARLY',
        amount: 799900,
        currency: 'INR',
        membershipExpiry: '2027-02-28T10:00:00.000Z',
      },
      frontendUrl,
    );
    expect(email.subject).toBe('Your DevLink Elite receipt');
    for (const part of [email.html, email.text]) {
      expect(part).toContain('Plan: Elite (Yearly)');
      expect(part).toContain('Amount paid: ₹7,999.00');
      expect(part).toContain('Valid until: 28 February 2027');
      expect(part).toContain('pay_1');
    }
    expect(email.html).not.toContain('<b>Asha');
    expect(email.html).toContain('&lt;b&gt;Asha&lt;/b&gt;');
    expect(email.text).toContain('Hi <b>Asha</b>,');
    expect(formatAmount(49900, 'INR')).toBe('₹499.00');
  });

  it('password reset: a FRONTEND_URL/reset-password link carrying the token, valid 30 minutes', () => {
    const token = 'cd'.repeat(32);
    const email = passwordResetEmail({ firstName: '<i>Asha</i>' }, token, frontendUrl);
    expect(email.subject).toBe('Reset your DevLink password');
    expect(email.html).toContain(`href="${frontendUrl}/reset-password?token=${token}"`);
    expect(email.text).toContain(`${frontendUrl}/reset-password?token=${token}`);
    expect(email.text).toContain('30 minutes');
    expect(email.html).toContain('&lt;i&gt;Asha&lt;/i&gt;');
    expect(email.html).not.toContain('<i>Asha');
  });

  it('password changed: says so, and where to reset it if it was not the owner', () => {
    const email = passwordChangedEmail(
      { userId: 'u', to: 'x@y.co', firstName: 'Asha' },
      frontendUrl,
    );
    expect(email.subject).toBe('Your DevLink password was changed');
    expect(email.text).toContain('Hi Asha,');
    expect(email.text).toContain('signed out');
    expect(email.html).toContain(`href="${frontendUrl}/forgot-password"`);
    expect(email.text).not.toContain('token=');
  });
});

describe('account deleted email', () => {
  it('names the user (escaped in HTML) and says what was kept', () => {
    const email = accountDeletedEmail(
      { userId: 'u', to: 'x@y.co', firstName: '<b>Asha</b>' },
      'https://app.devlink.test',
    );
    expect(email.subject).toBe('Your DevLink account has been deleted');
    expect(email.html).toContain('&lt;b&gt;Asha&lt;/b&gt;');
    expect(email.text).toContain('Hi <b>Asha</b>,');
    expect(email.text).toContain('Payment records are kept for accounting');
  });
});
