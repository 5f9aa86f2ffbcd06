namespace Upstart.JobFiles.Parsing;

/// <summary>
/// libnih's (pos, lineno) pair: a character offset into the text and the 1-based line. Stanza handlers
/// work on a copy and write it back exactly where Upstart does, because the line an error is reported
/// on is wherever Upstart's cursor stood when the handler gave up.
/// </summary>
internal struct Cursor
{
    public int Pos;
    public int Line;

    public Cursor(int pos, int line)
    {
        Pos = pos;
        Line = line;
    }
}
