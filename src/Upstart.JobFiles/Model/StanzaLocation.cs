namespace Upstart.JobFiles.Model;

/// <summary>
/// Where a stanza was read: the .conf or .override that holds it, and the 1-based line and column of its
/// keyword. Recorded by the parser as it handles the stanza, so nothing has to read the file again to
/// point at it.
/// </summary>
/// <param name="Setting">The setting as show-config names it (`pre-restart`, `respawn delay`).</param>
public readonly record struct StanzaLocation(string Setting, string Path, int Line, int Column);
