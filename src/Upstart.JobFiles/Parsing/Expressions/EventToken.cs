namespace Upstart.JobFiles.Parsing.Expressions;

/// <summary>The token kinds of a `start on` / `stop on` expression, as parse_on tells them apart.</summary>
internal enum EventToken
{
    /// <summary>An event name or argument: one libnih token, quotes and escapes still in its text.</summary>
    Word,

    /// <summary>`and`, compared before dequoting (a quoted "and" is a <see cref="Word"/>).</summary>
    And,

    /// <summary>`or`, compared before dequoting.</summary>
    Or,

    LeftParen,

    RightParen,

    /// <summary>Where the expression stops: the start of the line after its last one (empty span).</summary>
    End,
}
