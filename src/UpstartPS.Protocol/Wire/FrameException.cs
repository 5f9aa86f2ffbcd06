namespace UpstartPS.Protocol.Wire;

/// <summary>The byte stream broke the framing rules (oversized or truncated frame); the connection cannot be resynchronised.</summary>
internal sealed class FrameException : Exception
{
    public FrameException(string message)
        : base(message)
    {
    }

    public FrameException()
    {
    }

    public FrameException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
