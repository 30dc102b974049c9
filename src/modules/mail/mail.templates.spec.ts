import { digestEmail, escapeHtml, verificationEmail, welcomeEmail } from './mail.templates';

describe('email templates', () => {
  const frontendUrl = 'https://app.devlink.test';

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
    const email = verificationEmail(
      { userId: 'u', to: 'x@y.co', firstName: 'Asha', verifyToken: token },
      frontendUrl,
    );
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
      digestEmail({ userId: 'u', to: 'x', firstName: 'A', count: 1 }, frontendUrl).subject,
    ).toBe('You have 1 new connection request on DevLink');
    const many = digestEmail({ userId: 'u', to: 'x', firstName: 'A', count: 3 }, frontendUrl);
    expect(many.subject).toBe('You have 3 new connection requests on DevLink');
    expect(many.html).toContain(`${frontendUrl}/app/requests`);
  });

  it('escapeHtml covers the five HTML-significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
