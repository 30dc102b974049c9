import {
  isSafeMultiLineText,
  isSafeSingleLineText,
  isWellFormedText,
  personNamePattern,
  personNameProblem,
  utf8ByteLength,
} from './text-rules';

describe('text rules', () => {
  it.each([
    ['plain ASCII', 'hello', true],
    ['accents and emoji (surrogate pairs)', 'Zoë 🌸 👩‍💻', true],
    ['empty', '', true],
    ['lone high surrogate', '\ud800x', false],
    ['lone low surrogate', 'x\udc00', false],
    ['reversed pair', '\udc00\ud800', false],
    ['high surrogate at the end', 'abc\ud83d', false],
  ])('isWellFormedText: %s → %s', (_name, value, expected) => {
    expect(isWellFormedText(value)).toBe(expected);
  });

  it.each([
    ['a name', 'Nguyễn Thị Minh Khai', true],
    ['emoji and symbols', 'C++ & Go 🚀', true],
    ['Arabic (right-to-left letters are fine)', 'محمد', true],
    ['zero-width joiner in an emoji', '👩‍💻', true],
    ['NUL', 'a\u0000b', false],
    ['LF', 'a\nb', false],
    ['CR', 'a\rb', false],
    ['tab', 'a\tb', false],
    ['DEL', 'a\u007fb', false],
    ['C1 control (NEL)', 'a\u0085b', false],
    ['LRE U+202A', '\u202Aa', false],
    ['RLE U+202B', '\u202Ba', false],
    ['PDF U+202C', 'a\u202C', false],
    ['LRO U+202D', '\u202Da', false],
    ['RLO U+202E', 'a\u202Eb', false],
    ['LRI U+2066', '\u2066a', false],
    ['RLI U+2067', '\u2067a', false],
    ['FSI U+2068', '\u2068a', false],
    ['PDI U+2069', 'a\u2069', false],
    ['LINE SEPARATOR', 'a\u2028b', false],
    ['PARAGRAPH SEPARATOR', 'a\u2029b', false],
    ['lone surrogate', 'a\ud800', false],
  ])('isSafeSingleLineText: %s → %s', (_name, value, expected) => {
    expect(isSafeSingleLineText(value)).toBe(expected);
  });

  it.each([
    ['LF and CRLF', 'line one\nline two\r\nthree', true],
    ['paragraph separators', 'a\u2028b\u2029c', true],
    ['emoji', 'I ❤️ Rust', true],
    ['NUL', 'a\u0000', false],
    ['tab', 'a\tb', false],
    ['vertical tab', 'a\u000bb', false],
    ['bidi override', 'a\u202Eb', false],
    ['bidi isolate', 'a\u2067b', false],
    ['lone surrogate', '\udfff', false],
  ])('isSafeMultiLineText: %s → %s', (_name, value, expected) => {
    expect(isSafeMultiLineText(value)).toBe(expected);
  });

  it('utf8ByteLength counts what bcrypt reads', () => {
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('🔑')).toBe(4);
    expect(utf8ByteLength(`Aa1!${'é'.repeat(34)}`)).toBe(72);
  });

  describe('personNameProblem', () => {
    const required = { required: true };
    const optional = { required: false };

    it.each([
      'Amy',
      'Li',
      'A',
      'José',
      "O'Brien",
      'D’Angelo',
      'Nguyễn',
      'Nguye\u0302\u0303n', // decomposed: letters plus combining marks
      'Mary-Jane',
      'Anne Marie',
      'J.R.R.',
      'Zoë O’Brien-Smith',
      '明',
      'محمد',
      'अनुष्का',
      'Παναγιώτης',
      'Ôlafur',
      'ʻAkau', // ʻokina is a modifier letter
      'مهر\u200Cناز', // Persian, with a zero-width non-joiner
      'क्\u200Dष', // Devanagari: virama (a mark), then a zero-width joiner before a letter
      'A'.repeat(50),
      'É'.repeat(50),
    ])('accepts %j', (name) => {
      expect(personNameProblem(name, 'firstName', required)).toBeUndefined();
    });

    it.each([
      ['', required, 'firstName cannot be empty'],
      ['A'.repeat(51), required, 'firstName must be at most 50 characters'],
      ['-Amy', required, 'firstName must start with a letter'],
      ["'Amy", required, 'firstName must start with a letter'],
      ['.Amy', required, 'firstName must start with a letter'],
      ['\u0301Amy', required, 'firstName must start with a letter'], // a lone combining mark
      [
        'J0hn',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'User42',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        '12345',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'Zoë 🌸',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        '🌸 Amy',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'Ana 👩🏽‍💻',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'Amy<b>',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'amy@example.com',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'Amy_Li',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ],
      [
        'Amy\u00B2',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ], // superscript two is a number, not a letter
      [
        'Amy\u200D',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ], // joiner at the end
      [
        'Amy \u200CLi',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ], // non-joiner after a space
      [
        'Amy\u200C-Li',
        required,
        'firstName may contain only letters, spaces, apostrophes, hyphens and periods',
      ], // non-joiner before a hyphen
      [
        'Ev\u0000e',
        required,
        'firstName must not contain control characters, line breaks or text-direction characters',
      ],
      [
        'Eve\nX',
        required,
        'firstName must not contain control characters, line breaks or text-direction characters',
      ],
      [
        'Eve\u202Egpj',
        required,
        'firstName must not contain control characters, line breaks or text-direction characters',
      ],
    ])('refuses %j with the reason', (name, options, message) => {
      expect(personNameProblem(name, 'firstName', options)).toBe(message);
    });

    it('counts characters, not UTF-16 units (50 astral-plane letters are fine)', () => {
      const name = `A${'𝒜'.repeat(49)}`; // U+1D49C, a letter outside the BMP
      expect(name.length).toBe(99);
      expect(personNameProblem(name, 'firstName', required)).toBeUndefined();
      expect(personNameProblem(`${name}𝒜`, 'firstName', required)).toBe(
        'firstName must be at most 50 characters',
      );
    });

    it('an optional name may be empty but follows the same rule otherwise', () => {
      expect(personNameProblem('', 'lastName', optional)).toBeUndefined();
      expect(personNameProblem('B'.repeat(51), 'lastName', optional)).toBe(
        'lastName must be at most 50 characters',
      );
      expect(personNameProblem('42', 'lastName', optional)).toBe(
        'lastName may contain only letters, spaces, apostrophes, hyphens and periods',
      );
    });

    it.each([
      'Amy',
      'Zoë O’Brien-Smith',
      'J.R.R.',
      'मهر',
      'مهر\u200Cناز',
      'Nguye\u0302\u0303n',
      'J0hn',
      'Zoë 🌸',
      '-Amy',
      '\u0301Amy',
      'Amy\u200D',
      'Amy \u200CLi',
    ])('the documented pattern agrees with the rule on %j', (name) => {
      const pattern = new RegExp(personNamePattern({ required: true }), 'u');
      expect(pattern.test(name)).toBe(personNameProblem(name, 'firstName', required) === undefined);
    });

    it('the optional pattern also accepts the empty name', () => {
      expect(new RegExp(personNamePattern({ required: false }), 'u').test('')).toBe(true);
      expect(new RegExp(personNamePattern({ required: true }), 'u').test('')).toBe(false);
    });
  });
});
