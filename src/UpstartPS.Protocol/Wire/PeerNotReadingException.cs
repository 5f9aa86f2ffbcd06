namespace UpstartPS.Protocol.Wire;

/// <summary>
/// The peer let more answers pile up than its <see cref="SendBudget"/> allows; the socket has been shut down.
/// A kind of <see cref="TimeoutException"/>: like a write timeout, it means the peer stopped reading.
/// </summary>
internal sealed class PeerNotReadingException : TimeoutException
{
    public PeerNotReadingException(string message)
        : base(message)
    {
    }

    public PeerNotReadingException()
    {
    }

    public PeerNotReadingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
