namespace Upstart.JobFiles.Parsing;

/// <summary>
/// The parse error kinds (the conformance corpus identifiers) and Upstart 1.13.2's exact messages for
/// them (libnih config.c, init/errors.h).
/// </summary>
internal static class ParseErrors
{
    public const string ExpectedToken = "expected-token";
    public const string UnexpectedToken = "unexpected-token";
    public const string UnknownStanza = "unknown-stanza";
    public const string TrailingSlash = "trailing-slash";
    public const string UnterminatedQuote = "unterminated-quote";
    public const string UnterminatedBlock = "unterminated-block";
    public const string IllegalInterval = "illegal-interval";
    public const string IllegalExit = "illegal-exit";
    public const string IllegalSignal = "illegal-signal";
    public const string IllegalUmask = "illegal-umask";
    public const string IllegalNice = "illegal-nice";
    public const string IllegalOom = "illegal-oom";
    public const string IllegalLimit = "illegal-limit";

    /// <summary>Beyond Upstart (`respawn delay`), so the message is ours.</summary>
    public const string IllegalDelay = "illegal-delay";
    public const string ExpectedEvent = "expected-event";
    public const string ExpectedOperator = "expected-operator";
    public const string ExpectedVariable = "expected-variable";
    public const string MismatchedParens = "mismatched-parens";

    public const string OomScoreMessage = "Illegal oom score adjustment, expected -999 to 1000 or 'never'";

    /// <summary>Upstart's message for a kind. `illegal-oom` has two texts; this is the legacy one.</summary>
    public static string MessageFor(string kind) => kind switch
    {
        ExpectedToken => "Expected token",
        UnexpectedToken => "Unexpected token",
        UnknownStanza => "Unknown stanza",
        TrailingSlash => "Trailing slash in file",
        UnterminatedQuote => "Unterminated quoted string",
        UnterminatedBlock => "Unterminated block",
        IllegalInterval => "Illegal interval, expected number of seconds",
        IllegalExit => "Illegal exit status, expected integer",
        IllegalSignal => "Illegal signal status, expected integer",
        IllegalUmask => "Illegal file creation mask, expected octal integer",
        IllegalNice => "Illegal nice value, expected -20 to 19",
        IllegalOom => "Illegal oom adjustment, expected -16 to 15 or 'never'",
        IllegalLimit => "Illegal limit, expected 'unlimited' or integer",
        IllegalDelay => "Illegal delay, expected seconds from 0 to 86400 (MAX no less than INITIAL)",
        ExpectedEvent => "Expected event",
        ExpectedOperator => "Expected operator",
        ExpectedVariable => "Expected variable name before value",
        MismatchedParens => "Mismatched parentheses",
        _ => kind,
    };
}
