package io.eslake.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.http.ContentTooLongException;
import org.apache.http.HttpEntity;
import org.apache.http.HttpResponse;
import org.apache.http.entity.AbstractHttpEntity;
import org.apache.http.entity.ContentType;
import org.apache.http.nio.ContentDecoder;
import org.apache.http.nio.IOControl;
import org.apache.http.nio.protocol.AbstractAsyncResponseConsumer;
import org.apache.http.nio.protocol.HttpAsyncResponseConsumer;
import org.apache.http.protocol.HttpContext;
import org.elasticsearch.client.HttpAsyncResponseConsumerFactory;

/**
 * Receives the pages of one client into byte arrays reused from page to page. The REST client's own
 * consumer grows a fresh buffer by doubling for every page (Elasticsearch sends search answers in
 * chunks, without a length), so a page of a few megabytes cost the copies of its growth and a
 * short-lived array too large for the young generation, which the garbage collector pays for with
 * concurrent cycles. Here a page is received into an array a closed page gave back, grown only when
 * a page is larger than any before it, and parsed from that array in place ({@link Page}).
 *
 * <p>Used on executors, one pool per client: the REST client's I/O thread fills arrays, the task
 * closes pages and so gives their arrays back. At most {@link #KEPT} arrays wait for reuse, none
 * larger than {@link #LARGEST_KEPT}: a slice holds two pages at a time, and a page of unusual size
 * is left to the garbage collector as before.
 */
final class PageBuffers implements HttpAsyncResponseConsumerFactory {

  /** Arrays kept for reuse: the page being decoded gives its array to the page after next. */
  static final int KEPT = 2;

  /** The largest array kept for reuse; larger pages are received as before, then dropped. */
  static final int LARGEST_KEPT = 32 * 1024 * 1024;

  private static final int FIRST_SIZE = 64 * 1024;

  private final int limit;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(KEPT);

  /**
   * @param limit the most bytes a page may have; a larger answer fails as the REST client's own
   *     consumer fails it
   */
  PageBuffers(int limit) {
    this.limit = limit;
  }

  @Override
  public HttpAsyncResponseConsumer<HttpResponse> createHttpAsyncResponseConsumer() {
    return new Receiver();
  }

  /** An array of at least the given size for a new page: one given back, or a new one. */
  private byte[] take(long size) {
    byte[] reused = free.poll();
    if (reused != null && reused.length >= size) {
      return reused;
    }
    return new byte[(int) Math.min(limit, Math.max(size, FIRST_SIZE))];
  }

  private void giveBack(byte[] array) {
    if (array.length <= LARGEST_KEPT) {
      free.offer(array);
    }
  }

  /** How many arrays wait for reuse; for tests. */
  int kept() {
    return free.size();
  }

  /** Receives one answer's body into an array of the pool. */
  private final class Receiver extends AbstractAsyncResponseConsumer<HttpResponse> {

    private HttpResponse response;
    private ContentType contentType;
    private ByteBuffer buffer;

    @Override
    protected void onResponseReceived(HttpResponse received) {
      this.response = received;
    }

    @Override
    protected void onEntityEnclosed(HttpEntity entity, ContentType type) throws IOException {
      long length = entity.getContentLength();
      if (length > limit) {
        throw tooLong(length);
      }
      contentType = type;
      buffer = ByteBuffer.wrap(take(Math.max(length, 0)));
    }

    @Override
    protected void onContentReceived(ContentDecoder decoder, IOControl control) throws IOException {
      while (true) {
        if (!buffer.hasRemaining()) {
          grow();
        }
        if (decoder.read(buffer) <= 0) {
          return;
        }
      }
    }

    /** Doubles the array, within the limit; the smaller one is dropped, not kept. */
    private void grow() throws ContentTooLongException {
      int size = buffer.capacity();
      if (size >= limit) {
        throw tooLong(size + 1L);
      }
      ByteBuffer larger = ByteBuffer.wrap(new byte[(int) Math.min((long) size * 2, limit)]);
      buffer.flip();
      larger.put(buffer);
      buffer = larger;
    }

    private ContentTooLongException tooLong(long length) {
      return new ContentTooLongException(
          "entity content is too long ["
              + length
              + "] for the configured buffer limit ["
              + limit
              + "]");
    }

    @Override
    protected HttpResponse buildResult(HttpContext context) {
      if (buffer != null) {
        response.setEntity(new Page(buffer.array(), buffer.position(), contentType));
        buffer = null;
      }
      return response;
    }

    /**
     * Drops the array of an answer that failed or was cancelled rather than keeping it: the I/O
     * thread may still be writing into it when a cancel releases it from another thread.
     */
    @Override
    protected void releaseResources() {
      response = null;
      buffer = null;
    }
  }

  /**
   * A page's body in an array of the pool, read in place; {@link #release} gives the array back
   * once the page is parsed. An entity that is never released (an error answer read into a message)
   * leaves its array to the garbage collector.
   */
  final class Page extends AbstractHttpEntity {

    private byte[] data;
    private final int length;

    private Page(byte[] data, int length, ContentType type) {
      this.data = data;
      this.length = length;
      if (type != null) {
        setContentType(type.toString());
      }
    }

    /** The array holding the body, from index 0; valid until {@link #release}. */
    byte[] data() {
      if (data == null) {
        throw new IllegalStateException("The page was released");
      }
      return data;
    }

    /** Gives the array back for the next page; the entity is empty afterwards. Idempotent. */
    void release() {
      if (data != null) {
        giveBack(data);
        data = null;
      }
    }

    @Override
    public boolean isRepeatable() {
      return true;
    }

    @Override
    public long getContentLength() {
      return length;
    }

    @Override
    public InputStream getContent() {
      return new ByteArrayInputStream(data(), 0, length);
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      out.write(data(), 0, length);
    }

    @Override
    public boolean isStreaming() {
      return false;
    }
  }
}
