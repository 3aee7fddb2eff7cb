using System.Buffers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using Akka.IO;

namespace AkkaTcp.TransportStages;

/// <summary>
/// One TLS session (server or client side) over a <see cref="WireStream"/>, driven by the actor
/// that owns the socket: <see cref="Receive"/> ciphertext, then take plaintext with
/// <see cref="TryRead"/> and ciphertext to send with <see cref="TakeWireOutput"/>. SslStream's
/// asynchronous steps complete inside those calls, on the actor's thread. Between reads only a
/// zero-byte read is left pending, so an idle connection holds no plaintext buffer.
/// </summary>
internal sealed class TlsChannel : IDisposable
{
    private const int PlaintextBufferSize = 16 * 1024; // one TLS record's worth

    private readonly WireStream _wire = new();
    private readonly SslStream _ssl;
    private Task? _handshake;
    private ValueTask<int> _waitForData;
    private bool _waiting;
    private ValueTask<int> _read;
    private bool _readingIntoBuffer;
    private byte[]? _plaintext;
    private bool _ended;

    public TlsChannel()
    {
        _ssl = new SslStream(_wire, leaveInnerStreamOpen: false);
    }

    /// <summary>The handshake has completed successfully.</summary>
    public bool IsOpen { get; private set; }

    /// <summary>Why the handshake, or later the session (a bad record, a refused renegotiation), failed; null while all is well.</summary>
    public string? Failure { get; private set; }

    /// <summary>The peer sent close_notify (or its FIN arrived): no more plaintext will come.</summary>
    public bool Ended => _ended;

    public SslStream Stream => _ssl;

    /// <summary>Ciphertext waiting to be sent (handshake records, alerts, encrypted writes).</summary>
    public bool HasWireOutput => _wire.WrittenCount > 0;

    public void StartServer(ServerOptionsSelectionCallback selectOptions, object? state) =>
        Start(() => _ssl.AuthenticateAsServerAsync(selectOptions, state));

    public void StartClient(SslClientAuthenticationOptions options) =>
        Start(() => _ssl.AuthenticateAsClientAsync(options));

    /// <summary>Ciphertext from the socket: advances the handshake, or decrypts in <see cref="TryRead"/>.</summary>
    public void Receive(ReadOnlySpan<byte> wire)
    {
        using (new NoSynchronizationContext())
            _wire.Feed(wire);
        CheckHandshake();
    }

    /// <summary>The peer's FIN.</summary>
    public void ReceiveEnd()
    {
        using (new NoSynchronizationContext())
            _wire.FeedEnd();
        CheckHandshake();
    }

    /// <summary>
    /// The next run of plaintext, valid until the next call; false when no more is decrypted
    /// until more ciphertext comes (or the peer ended the session: see <see cref="Ended"/>).
    /// </summary>
    public bool TryRead(out ReadOnlySpan<byte> plaintext)
    {
        using var noContext = new NoSynchronizationContext();
        plaintext = default;
        if (!IsOpen || _ended)
            return ReleasePlaintext();
        ValueTask<int> read;
        if (_readingIntoBuffer)
        {
            // A read that found its record incomplete after all: it keeps the buffer until it completes.
            if (!_read.IsCompleted)
                return false;
            _readingIntoBuffer = false;
            read = _read;
        }
        else
        {
            if (_waiting)
            {
                if (!_waitForData.IsCompleted)
                    return ReleasePlaintext();
                _waiting = false;
                if (!Completed(_waitForData))
                    return ReleasePlaintext();
            }
            // Data (or the end) is ready, so this read completes at once.
            _plaintext ??= ArrayPool<byte>.Shared.Rent(PlaintextBufferSize);
            read = _ssl.ReadAsync(_plaintext.AsMemory());
            if (!read.IsCompleted)
            {
                _read = read;
                _readingIntoBuffer = true;
                return false;
            }
        }
        var count = Result(read);
        if (count <= 0)
        {
            _ended = true;
            return ReleasePlaintext();
        }
        plaintext = _plaintext.AsSpan(0, count);
        WaitForData();
        return true;
    }


    /// <summary>
    /// Encrypts plaintext; the ciphertext joins <see cref="TakeWireOutput"/>. After the session
    /// failed (a refused renegotiation, a bad record) nothing more can be sent: false, and
    /// <see cref="Failure"/> says why.
    /// </summary>
    public bool Write(ReadOnlySpan<byte> plaintext)
    {
        if (!IsOpen || Failure is not null)
            return false;
        try
        {
            using var noContext = new NoSynchronizationContext();
            // The wire stream completes every write at once, so this never blocks.
            _ssl.Write(plaintext);
            return true;
        }
        catch (Exception e) when (e is IOException or AuthenticationException or CryptographicException or ObjectDisposedException or InvalidOperationException)
        {
            _ended = true;
            Failure = Describe(e);
            return false;
        }
    }

    /// <summary>Sends close_notify (into <see cref="TakeWireOutput"/>) on a session still sound; the peer may still send.</summary>
    public void Shutdown()
    {
        if (!IsOpen || Failure is not null)
            return;
        try
        {
            using var noContext = new NoSynchronizationContext();
            var shutdown = _ssl.ShutdownAsync();
            if (shutdown.IsFaulted)
                _ = shutdown.Exception; // observed: a close_notify that could not be made changes nothing
        }
        catch (Exception e) when (e is CryptographicException or IOException or AuthenticationException or ObjectDisposedException or InvalidOperationException)
        {
            // Best effort: OpenSSL refuses it in some states (a refused renegotiation leaves the
            // session "in init"). The FIN still follows.
            Failure = Describe(e);
        }
    }

    /// <summary>The ciphertext to send, handed over as it is (see <see cref="WireStream.TakeWritten"/>).</summary>
    public ByteString TakeWireOutput() => _wire.TakeWritten();

    public void Dispose()
    {
        ReleasePlaintext();
        _ssl.Dispose();
        if (_handshake is { IsCompleted: true, IsFaulted: true })
            _ = _handshake.Exception;
    }

    /// <summary>Starts the handshake; see <see cref="NoSynchronizationContext"/>.</summary>
    private void Start(Func<Task> authenticate)
    {
        using (new NoSynchronizationContext())
            _handshake = authenticate();
        CheckHandshake();
    }

    private void CheckHandshake()
    {
        if (IsOpen || Failure is not null || _handshake is not { IsCompleted: true } handshake)
            return;
        if (handshake.IsCompletedSuccessfully)
        {
            IsOpen = true;
            WaitForData();
            return;
        }
        Failure = Describe(handshake.Exception?.InnerException);
    }

    /// <summary>Leaves a zero-byte read pending: it completes once a whole record has been decrypted, without holding a buffer.</summary>
    private void WaitForData()
    {
        _waitForData = _ssl.ReadAsync(Memory<byte>.Empty);
        _waiting = true;
    }

    private bool Completed(ValueTask<int> read)
    {
        try
        {
            read.GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is IOException or AuthenticationException or ObjectDisposedException)
        {
            _ended = true;
            Failure ??= Describe(e);
            return false;
        }
    }

    private int Result(ValueTask<int> read)
    {
        try
        {
            return read.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or AuthenticationException or ObjectDisposedException)
        {
            Failure ??= Describe(e);
            return 0;
        }
    }

    /// <summary>Gives the plaintext buffer back, unless a pending read still owns it (then the GC takes it if the session ends first).</summary>
    private bool ReleasePlaintext()
    {
        if (_plaintext is null || _readingIntoBuffer)
            return false;
        ArrayPool<byte>.Shared.Return(_plaintext);
        _plaintext = null;
        return false;
    }

    /// <summary>The reason a handshake failed, in one line: the innermost message says what the peer did wrong.</summary>
    private static string Describe(Exception? error)
    {
        if (error is null)
            return "handshake failed";
        var inner = error;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        return ReferenceEquals(inner, error) ? error.Message : $"{error.Message} ({inner.Message})";
    }

    /// <summary>
    /// Clears the synchronization context while SslStream runs: its handshake captures one at some
    /// awaits, and would then post later steps to it (a UI or test context around the caller),
    /// away from the thread that feeds the ciphertext. Actor threads have none, so there this
    /// costs a read of a thread-static field.
    /// </summary>
    private readonly ref struct NoSynchronizationContext
    {
        private readonly SynchronizationContext? _saved;

        public NoSynchronizationContext()
        {
            _saved = SynchronizationContext.Current;
            if (_saved is not null)
                SynchronizationContext.SetSynchronizationContext(null);
        }

        public void Dispose()
        {
            if (_saved is not null)
                SynchronizationContext.SetSynchronizationContext(_saved);
        }
    }
}
