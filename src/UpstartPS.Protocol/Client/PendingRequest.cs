using System.Threading.Channels;
using UpstartPS.Protocol.Wire;

namespace UpstartPS.Protocol.Client;

/// <summary>A request in flight, waiting for the frames the reader loop routes to it by id.</summary>
internal abstract class PendingRequest
{
    /// <summary>Hands over one frame; true when it was the last one for this request.</summary>
    public abstract bool Deliver(ResponseFrame frame);

    public abstract void Fail(Exception error);
}

/// <summary>A request answered by one "result" or "error" frame.</summary>
internal sealed class UnaryRequest : PendingRequest
{
    private readonly TaskCompletionSource<ResponseFrame> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<ResponseFrame> Response => _completion.Task;

    public override bool Deliver(ResponseFrame frame)
    {
        _completion.TrySetResult(frame);
        return true;
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);

    public void Cancel(CancellationToken cancellationToken) => _completion.TrySetCanceled(cancellationToken);
}

/// <summary>A request answered by "item" frames until an "end" or "error" frame.</summary>
internal sealed class StreamRequest : PendingRequest
{
    // Unbounded on purpose: the reader loop serves every request on the connection and must never wait for
    // one slow consumer. The daemon bounds what it sends to a client that does not read.
    private readonly Channel<ResponseFrame> _frames = Channel.CreateUnbounded<ResponseFrame>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    public ChannelReader<ResponseFrame> Frames => _frames.Reader;

    public override bool Deliver(ResponseFrame frame)
    {
        _frames.Writer.TryWrite(frame);
        if (frame.Type == ResponseTypes.Item)
        {
            return false;
        }

        _frames.Writer.TryComplete();
        return true;
    }

    public override void Fail(Exception error) => _frames.Writer.TryComplete(error);
}
