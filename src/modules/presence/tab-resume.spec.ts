import { chatToResume, tabResumeOf } from './tab-resume';

const alice = '64b000000000000000000001';
const bob = '64b000000000000000000002';
const carol = '64b000000000000000000003';

describe('tabResumeOf', () => {
  it('keeps who the tab was and the chat it had joined', () => {
    expect(tabResumeOf({ userId: alice, chatWith: bob })).toEqual({ userId: alice, chatWith: bob });
  });

  it('keeps only the user when no chat was joined', () => {
    expect(tabResumeOf({ userId: alice })).toEqual({ userId: alice });
  });

  it('passes on a resume the socket had not acted on yet, for the same user only', () => {
    const pending = { userId: alice, chatWith: bob };
    expect(tabResumeOf({ userId: alice, resume: pending })).toEqual(pending);
    expect(tabResumeOf({ userId: carol, resume: pending })).toEqual({ userId: carol });
    expect(tabResumeOf({ userId: alice, chatWith: carol, resume: pending })).toEqual({
      userId: alice,
      chatWith: carol,
    });
  });

  it('leaves nothing for a socket that never authenticated', () => {
    expect(tabResumeOf({ chatWith: bob })).toBeUndefined();
    expect(tabResumeOf({})).toBeUndefined();
  });
});

describe('chatToResume', () => {
  it('resumes the chat for the same user', () => {
    expect(chatToResume({ userId: alice, chatWith: bob }, alice)).toBe(bob);
  });

  it("resumes nothing for another user's credential", () => {
    expect(chatToResume({ userId: alice, chatWith: bob }, carol)).toBeUndefined();
  });

  it('resumes nothing without a credential, a resume or a chat', () => {
    expect(chatToResume({ userId: alice, chatWith: bob }, undefined)).toBeUndefined();
    expect(chatToResume(undefined, alice)).toBeUndefined();
    expect(chatToResume({ userId: alice }, alice)).toBeUndefined();
  });
});
