// The suite's Go reference echo server: the classic goroutine-per-connection design the Go
// community teaches, for AkkaTcp's echo numbers to be measured against. An accept loop that only
// accepts; one goroutine per connection; a semaphore capping active connections (over the cap a
// new one is closed at once); a read deadline as idle timeout; bufio buffers from sync.Pool;
// TCP keepalive; replies to pipelined lines leave in one write; SIGINT/SIGTERM close the listener
// and wait for live connections up to a deadline. With -tls-cert and -tls-key it serves the same
// over crypto/tls (TLS 1.2 and 1.3), the peer for AkkaTcp's TLS numbers. Standard library only.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

var (
	addr            = flag.String("addr", "127.0.0.1:7000", "address to listen on")
	maxConns        = flag.Int("max-conns", 10000, "connections served at once; more are closed at once")
	idleTimeout     = flag.Duration("idle-timeout", 30*time.Second, "read deadline: a connection silent this long is closed")
	shutdownTimeout = flag.Duration("shutdown-timeout", 5*time.Second, "how long a shutdown waits for live connections")
	keepAlive       = flag.Duration("keepalive", 30*time.Second, "TCP keepalive period")
	bufSize         = flag.Int("buf", 4096, "bytes of each connection's read and write buffer")
	tlsCert         = flag.String("tls-cert", "", "PEM certificate: serve TLS (with -tls-key)")
	tlsKey          = flag.String("tls-key", "", "PEM private key of -tls-cert")
)

func main() {
	flag.Parse()
	listener, err := (&net.ListenConfig{KeepAlive: *keepAlive}).Listen(context.Background(), "tcp", *addr)
	if err != nil {
		log.Fatalf("listen %s: %v", *addr, err)
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		log.Fatal("-tls-cert and -tls-key go together")
	}
	if *tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			log.Fatalf("tls: %v", err)
		}
		listener = tls.NewListener(listener, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	log.Printf("refserver listening on %s (tls=%v)", listener.Addr(), *tlsCert != "")

	readers := sync.Pool{New: func() any { return bufio.NewReaderSize(nil, *bufSize) }}
	writers := sync.Pool{New: func() any { return bufio.NewWriterSize(nil, *bufSize) }}
	slots := make(chan struct{}, *maxConns)
	var live sync.WaitGroup

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-stop
		listener.Close()
	}()

	for {
		conn, err := listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				break
			}
			log.Printf("accept: %v", err) // e.g. out of descriptors: go on accepting
			time.Sleep(10 * time.Millisecond)
			continue
		}
		select {
		case slots <- struct{}{}:
		default:
			conn.Close() // over max-conns
			continue
		}
		live.Add(1)
		go func() {
			defer func() { <-slots; live.Done() }()
			serve(conn, &readers, &writers)
		}()
	}

	done := make(chan struct{})
	go func() { live.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(*shutdownTimeout):
		log.Printf("shutdown: connections still open after %v", *shutdownTimeout)
	}
}

// serve echoes each line; replies gathered while more input is already buffered leave in one write.
func serve(conn net.Conn, readers, writers *sync.Pool) {
	defer conn.Close()
	reader := readers.Get().(*bufio.Reader)
	writer := writers.Get().(*bufio.Writer)
	reader.Reset(conn)
	writer.Reset(conn)
	defer func() {
		reader.Reset(nil)
		writer.Reset(nil)
		readers.Put(reader)
		writers.Put(writer)
	}()
	for {
		conn.SetReadDeadline(time.Now().Add(*idleTimeout))
		line, err := reader.ReadSlice('\n')
		if err != nil {
			if errors.Is(err, bufio.ErrBufferFull) {
				writer.WriteString("ERR line too long\n")
				writer.Flush()
			}
			return
		}
		if _, err := writer.Write(line); err != nil {
			return
		}
		if reader.Buffered() == 0 {
			if err := writer.Flush(); err != nil {
				return
			}
		}
	}
}
