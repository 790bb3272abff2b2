package dev.reranker.lifecycle;

import org.jboss.logging.Logger;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;

/**
 * glibc keeps freed memory in its arenas instead of returning it to the OS; with many threads that
 * shows up as RSS that only grows (TEI issue 156: 6 to 42 GB over 400k calls). {@code malloc_trim(0)}
 * hands it back. Called through JNA, which DJL already brings; absent on musl, where it is a no-op.
 */
final class NativeHeapTrimmer {

    private static final Logger LOG = Logger.getLogger(NativeHeapTrimmer.class);

    private final Function mallocTrim;

    private NativeHeapTrimmer(Function mallocTrim) {
        this.mallocTrim = mallocTrim;
    }

    /** The trimmer, or null where this C library has no malloc_trim. */
    static NativeHeapTrimmer create() {
        try {
            return new NativeHeapTrimmer(NativeLibrary.getInstance("c").getFunction("malloc_trim"));
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            LOG.debugf(
                    "malloc_trim is not available here (%s): freed native memory is returned as the C library sees fit",
                    e.getMessage());
            return null;
        }
    }

    /** Returns free heap memory to the OS; true when some was released. */
    boolean trim() {
        return mallocTrim.invokeInt(new Object[] { 0 }) == 1;
    }
}
