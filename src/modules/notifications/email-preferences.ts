/** The emails a user may turn off; every other email answers an action of theirs. */
export const EMAIL_LISTS = ['digest', 'missedMessages'] as const;
export type EmailList = (typeof EMAIL_LISTS)[number];

export type NotificationPreferences = Record<EmailList, boolean>;

/** As stored on the user: absent (or a field absent) means the default, on. */
export type StoredNotificationPreferences = Partial<NotificationPreferences> | null | undefined;

export const isEmailList = (value: unknown): value is EmailList =>
  typeof value === 'string' && (EMAIL_LISTS as readonly string[]).includes(value);

/** Every list is on until the user turns it off. */
export function preferencesOf(stored: StoredNotificationPreferences): NotificationPreferences {
  return {
    digest: stored?.digest !== false,
    missedMessages: stored?.missedMessages !== false,
  };
}

/** Whether this user wants the emails of `list`. */
export const wantsEmails = (stored: StoredNotificationPreferences, list: EmailList): boolean =>
  preferencesOf(stored)[list];
