using System.Buffers;
using System.Threading.Tasks.Sources;
using Akka.IO;

namespace AkkaTcp.TransportStages;

/// <summary>
/// The stream an <see cref="System.Net.Security.SslStream"/> sits on, driven by an actor instead
/// of a socket: ciphertext the actor received is fed in and completes SslStream's pending read
/// inline, on the actor's thread (continuations are not forced asynchronous), so decrypting costs
/// no thread hop; ciphertext SslStream writes is copied once, into an array of its own that is
/// handed to Akka.IO as it is. Never blocks.
/// </summary>
internal sealed class WireStream : Stream, IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _read; // RunContinuationsAsynchronously stays false
    private Memory<byte> _readInto;
    private bool _readPending;
    private bool _ended;
    private byte[] _received = [];
    private int _receivedStart;
    private int _receivedCount;
    private byte[] _written = [];
    private int _writtenCount;

    /// <summary>Ciphertext gathered from SslStream's writes, not yet taken.</summary>
    public int WrittenCount => _writtenCount;

    /// <summary>Ciphertext received and not yet read by SslStream (a partial record).</summary>
    public int BufferedCount => _receivedCount;

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>Ciphertext from the socket; completes a pending read inline.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return;
        AppendReceived(data);
        CompletePendingRead();
    }

    /// <summary>The peer's FIN: reads return 0 from now on.</summary>
    public void FeedEnd()
    {
        _ended = true;
        CompletePendingRead();
    }

    /// <summary>The ciphertext written so far, handed over (Akka.IO keeps it until it is sent); the next write starts a new array.</summary>
    public ByteString TakeWritten()
    {
        var bytes = ByteString.FromBytes(_written, 0, _writtenCount);
        _written = [];
        _writtenCount = 0;
        return bytes;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_readPending)
            throw new InvalidOperationException("one read at a time");
        if (_receivedCount > 0 || _ended)
            return new ValueTask<int>(CopyOut(buffer.Span));
        _readInto = buffer;
        _readPending = true;
        _read.Reset();
        return new ValueTask<int>(this, _read.Version);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    /// <summary>SslStream reads synchronously only when its caller does; this class's callers never do.</summary>
    public override int Read(Span<byte> buffer) =>
        _receivedCount > 0 || _ended ? CopyOut(buffer) : throw new InvalidOperationException("a synchronous read would block the actor");

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <summary>SslStream writes a record at a time from a buffer of its own: the first write of a run gets an array of exactly its size.</summary>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written.Length - _writtenCount < buffer.Length)
            Array.Resize(ref _written, Math.Max(_writtenCount + buffer.Length, _written.Length * 2));
        buffer.CopyTo(_written.AsSpan(_writtenCount));
        _writtenCount += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            FeedEnd();
            ReturnReceived();
            _receivedCount = 0;
            _written = [];
            _writtenCount = 0;
        }
        base.Dispose(disposing);
    }

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    /// <summary>
    /// SslStream's continuation runs where <see cref="Feed"/> is called, whatever synchronization
    /// context or scheduler its await captured: the point of this stream is that decryption
    /// happens inside the actor's message, on its thread.
    /// </summary>
    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags & ~ValueTaskSourceOnCompletedFlags.UseSchedulingContext);

    private void CompletePendingRead()
    {
        if (!_readPending)
            return;
        _readPending = false;
        var count = CopyOut(_readInto.Span);
        _readInto = default;
        _read.SetResult(count); // runs SslStream's continuation here, on this thread
    }

    private int CopyOut(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _receivedCount);
        _received.AsSpan(_receivedStart, count).CopyTo(buffer);
        _receivedStart += count;
        _receivedCount -= count;
        if (_receivedCount == 0)
        {
            _receivedStart = 0;
            ReturnReceived(); // an idle connection holds no ciphertext buffer
        }
        return count;
    }

    /// <summary>Ciphertext not yet read waits in a pooled buffer (a record split across reads).</summary>
    private void AppendReceived(ReadOnlySpan<byte> data)
    {
        if (_received.Length - _receivedStart - _receivedCount < data.Length)
        {
            var needed = _receivedCount + data.Length;
            var target = _received.Length >= needed ? _received : ArrayPool<byte>.Shared.Rent(Math.Max(needed, 4096));
            _received.AsSpan(_receivedStart, _receivedCount).CopyTo(target);
            if (!ReferenceEquals(target, _received) && _received.Length > 0)
                ArrayPool<byte>.Shared.Return(_received);
            _received = target;
            _receivedStart = 0;
        }
        data.CopyTo(_received.AsSpan(_receivedStart + _receivedCount));
        _receivedCount += data.Length;
    }

    private void ReturnReceived()
    {
        if (_received.Length > 0)
            ArrayPool<byte>.Shared.Return(_received);
        _received = [];
    }
}
