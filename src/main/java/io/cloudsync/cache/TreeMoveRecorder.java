package io.cloudsync.cache;

import io.cloudsync.journal.Journal;
import io.cloudsync.journal.Mutation;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Journals a directory rename the simple way: everything below the new place is created, then everything below the
 * old place is removed, so the bucket never lacks a file the volume has. Creations go parents first, removals
 * children first. (A later issue turns this into server-side copies.)
 */
final class TreeMoveRecorder {

    private final List<String> dirs = new ArrayList<>();
    private final List<String> files = new ArrayList<>();

    private TreeMoveRecorder() {
    }

    /**
     * Records the move of directory {@code from} to {@code to} (journal form), whose tree is now at {@code movedDir}.
     * Names {@code hidden} says are detached open files are skipped: they are not part of the volume.
     */
    static void record(Journal journal, String from, String to, Path movedDir, Predicate<String> hidden)
            throws IOException {
        TreeMoveRecorder tree = new TreeMoveRecorder();
        tree.walk(movedDir);
        journal.record(new Mutation.DirCreated(to));
        for (String dir : tree.dirs) {
            journal.record(new Mutation.DirCreated(to + dir));
        }
        for (String file : tree.files) {
            if (!hidden.test(to + file)) {
                journal.record(new Mutation.FileChanged(to + file));
            }
        }
        for (String file : tree.files) {
            if (!hidden.test(to + file)) {
                journal.record(new Mutation.FileRemoved(from + file));
            }
        }
        for (int i = tree.dirs.size() - 1; i >= 0; i--) {
            journal.record(new Mutation.DirRemoved(from + tree.dirs.get(i)));
        }
        journal.record(new Mutation.DirRemoved(from));
    }

    /** Collects the suffixes ("/sub", "/sub/f.txt") of everything below {@code root}, parents before children. */
    private void walk(Path root) throws IOException {
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(root)) {
                    dirs.add(suffix(root, dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                files.add(suffix(root, file));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // removed while walking: its own unlink is journaled
                }
                throw e;
            }
        });
    }

    private static String suffix(Path root, Path below) {
        return "/" + root.relativize(below);
    }
}
