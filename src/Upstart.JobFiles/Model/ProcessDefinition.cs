namespace Upstart.JobFiles.Model;

/// <summary>
/// One process of a job: an `exec` command line (kept verbatim, quotes included) or a `script`
/// block (common indentation removed, each line ending in \n).
/// </summary>
/// <param name="IsScript">True for `script … end script`, false for `exec`.</param>
/// <param name="Command">The command line or the script text.</param>
/// <param name="Line">1-based line of the stanza in its file, for messages.</param>
public sealed record ProcessDefinition(bool IsScript, string Command, int Line = 0);
