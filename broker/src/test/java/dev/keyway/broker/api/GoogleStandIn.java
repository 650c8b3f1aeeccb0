package dev.keyway.broker.api;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Google's APIs for a broker that has no test hook: the gcp provider keeps its production
 * transport and Google's https URLs, and this reaches it the way a corporate network would. The
 * JVM's proxy selector sends {@code *.googleapis.com} to a loopback CONNECT tunnel, which ends in
 * a WireMock HTTPS port holding a certificate for Google's host names that this JVM is told to
 * trust. Everything else goes direct. {@link #close()} puts the JVM's defaults back.
 */
final class GoogleStandIn implements AutoCloseable {

    private static final String PASSWORD = "changeit";

    final WireMockServer server;
    /** The {@code host:port} of every CONNECT the tunnel accepted (the JDK reuses a tunnel while it is alive). */
    final List<String> tunnelled = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocket tunnel;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "google-tunnel");
        t.setDaemon(true);
        return t;
    });
    private final ProxySelector previousProxies;
    private final SSLSocketFactory previousTls;

    GoogleStandIn(Path dir) throws Exception {
        Path keystore = certificateFor(dir, "sts.googleapis.com", "iamcredentials.googleapis.com");
        server = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort().dynamicHttpsPort()
                .keystorePath(keystore.toString()).keystoreType("PKCS12").keystorePassword(PASSWORD).keyManagerPassword(PASSWORD));
        server.start();
        tunnel = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);

        previousProxies = ProxySelector.getDefault();
        previousTls = HttpsURLConnection.getDefaultSSLSocketFactory();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                boolean google = uri.getHost() != null && uri.getHost().endsWith(".googleapis.com");
                return List.of(google ? new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", tunnel.getLocalPort())) : Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException e) {
                // the test's assertions report it
            }
        });
        HttpsURLConnection.setDefaultSSLSocketFactory(trusting(keystore));
    }

    /** A self-signed certificate for Google's host names, made by the JDK's keytool. */
    private static Path certificateFor(Path dir, String... hosts) throws Exception {
        Path keystore = dir.resolve("googleapis.p12");
        Files.deleteIfExists(keystore);
        String san = "SAN=" + String.join(",", java.util.Arrays.stream(hosts).map(h -> "dns:" + h).toList());
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "google", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=" + hosts[0], "-ext", san, "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        return keystore;
    }

    private static SSLSocketFactory trusting(Path keystore) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        Certificate certificate = keys.getCertificate("google");
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("google", certificate);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context.getSocketFactory();
    }

    private void acceptLoop() {
        while (!tunnel.isClosed()) {
            try {
                Socket client = tunnel.accept();
                threads.execute(() -> connect(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    /** {@code CONNECT host:443}: only Google's hosts, each to the stand-in's TLS port. */
    private void connect(Socket client) {
        try (client) {
            String head = readHead(client.getInputStream());
            String[] request = head.split("\r\n", 2)[0].split(" ");
            OutputStream out = client.getOutputStream();
            if (request.length < 2 || !request[0].equals("CONNECT") || !request[1].matches("[a-z0-9.-]+\\.googleapis\\.com:443")) {
                out.write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            tunnelled.add(request[1]);
            try (Socket upstream = new Socket("127.0.0.1", server.httpsPort())) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                threads.execute(() -> pipe(upstream, client));
                pipe(client, upstream);
            }
        } catch (IOException e) {
            // a dropped tunnel fails the request under test, which reports it
        }
    }

    /** Every URL the stand-in was asked for, oldest first, as the client wrote it (scheme and Host included). */
    List<String> requestedUrls() {
        List<String> urls = new ArrayList<>(server.getAllServeEvents().stream().map(e -> e.getRequest().getAbsoluteUrl()).toList());
        Collections.reverse(urls);
        return urls;
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (head.size() < 8192) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static void pipe(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException closed) {
            // one side hung up
        }
    }

    @Override
    public void close() throws IOException {
        ProxySelector.setDefault(previousProxies);
        HttpsURLConnection.setDefaultSSLSocketFactory(previousTls);
        tunnel.close();
        threads.shutdownNow();
        server.stop();
    }
}
