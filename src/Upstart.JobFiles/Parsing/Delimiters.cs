namespace Upstart.JobFiles.Parsing;

/// <summary>Which characters end a token outside quotes (libnih's CNL, CNLWS and parse_on's "()" CNLWS).</summary>
internal enum Delimiters
{
    /// <summary>`#` and newline: commands run to the end of the line.</summary>
    CommentOrNewline,

    /// <summary>Blanks, `#` and newline: ordinary arguments.</summary>
    Blank,

    /// <summary>Blanks, `#`, newline and parentheses: event expression tokens.</summary>
    BlankOrParen,
}
