namespace UpstartHost.Logging;

/// <summary>
/// A `console log` pty master being read into <paramref name="Path"/>, and the FDNAME= it is kept under in
/// systemd's file-descriptor store (null when it is not kept there).
/// </summary>
public readonly record struct LogChannel(int Fd, string Path, string? StoreName = null);
