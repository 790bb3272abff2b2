"""A Hugging Face Hub on the loopback interface serving one local folder as one repository, for benchmarks with
models too large for the test suite's in-memory fake Hub (bge-reranker-v2-m3's 2.27 GB model.safetensors).

    python3 bench/fakehub.py PORT REPO_ID FOLDER

The routes and headers huggingface_hub and the service use: GET /api/models/{id}/revision/{rev} (sha, siblings
with size and lfs.sha256); HEAD/GET /{id}/resolve/{rev}/{path} with X-Repo-Commit and ETag, and for files over
64 kB (LFS) a 302 to the CDN (PORT + 1, another host as the Hub's CDN is) at /cdn/{sha256} with X-Linked-Etag and
X-Linked-Size; the CDN honours Range. Standard library
only; files are streamed from disk, never held in memory. Loopback only.
"""
import hashlib
import json
import os
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

LFS_THRESHOLD = 64 * 1024
CHUNK = 1 << 20


def digest(path, git=False):
    h = hashlib.sha1() if git else hashlib.sha256()
    if git:
        h.update(b"blob %d\0" % os.path.getsize(path))
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def main(port, repo, folder):
    files = {}
    for root, _, names in os.walk(folder):
        for name in sorted(names):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, folder).replace(os.sep, "/")
            if rel.startswith("reranker-graph"):
                continue  # graphs a service built beside the weights are not part of the repository
            size = os.path.getsize(path)
            lfs = size > LFS_THRESHOLD
            files[rel] = {"path": path, "size": size, "sha256": digest(path) if lfs else None,
                          "git": digest(path, git=True), "lfs": lfs}
    commit = hashlib.sha1((repo + "".join(f"{k}{v['git']}" for k, v in sorted(files.items()))).encode()).hexdigest()
    by_sha = {f["sha256"]: f for f in files.values() if f["lfs"]}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, headers=(), body=b""):
            self.send_response(status)
            for k, v in headers:
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self):
            self.do_GET()

        def do_GET(self):
            path = unquote(self.path.split("?")[0])
            if path.startswith("/api/models/"):
                siblings = [{"rfilename": k, "size": v["size"], "blobId": v["git"],
                             **({"lfs": {"sha256": v["sha256"], "size": v["size"]}} if v["lfs"] else {})}
                            for k, v in files.items()]
                return self.send(200, [("Content-Type", "application/json")],
                                 json.dumps({"id": repo, "sha": commit, "siblings": siblings}).encode())
            if path.startswith("/cdn/"):
                return self.stream(by_sha.get(path[len("/cdn/"):]))
            prefix = "/" + repo + "/resolve/"
            if not path.startswith(prefix):
                return self.send(404, [("X-Error-Code", "RepoNotFound")])
            name = path[len(prefix):].split("/", 1)[1]
            f = files.get(name)
            if f is None:
                return self.send(404, [("X-Error-Code", "EntryNotFound"), ("X-Repo-Commit", commit)])
            if f["lfs"]:
                self.send_response(302)
                for k, v in [("X-Repo-Commit", commit), ("ETag", '"' + f["git"] + '"'),
                             ("X-Linked-Etag", '"' + f["sha256"] + '"'), ("X-Linked-Size", str(f["size"])),
                             ("Location", f"http://127.0.0.1:{port + 1}/cdn/" + f["sha256"]),
                             ("Content-Length", "0")]:
                    self.send_header(k, v)
                return self.end_headers()
            if self.command == "HEAD":
                self.send_response(200)
                for k, v in [("X-Repo-Commit", commit), ("ETag", '"' + f["git"] + '"'),
                             ("Content-Length", str(f["size"]))]:
                    self.send_header(k, v)
                return self.end_headers()
            return self.stream(f, [("X-Repo-Commit", commit), ("ETag", '"' + f["git"] + '"')])

        def stream(self, f, headers=()):
            if f is None:
                return self.send(404)
            start = 0
            rng = self.headers.get("Range")
            if rng and rng.startswith("bytes=") and rng.endswith("-"):
                start = int(rng[len("bytes="):-1])
            self.send_response(206 if start else 200)
            for k, v in headers:
                self.send_header(k, v)
            if start:
                self.send_header("Content-Range", f"bytes {start}-{f['size'] - 1}/{f['size']}")
            self.send_header("Content-Length", str(f["size"] - start))
            self.end_headers()
            if self.command == "HEAD":
                return
            with open(f["path"], "rb") as src:
                src.seek(start)
                for block in iter(lambda: src.read(CHUNK), b""):
                    self.wfile.write(block)

    cdn = ThreadingHTTPServer(("127.0.0.1", port + 1), Handler)
    threading.Thread(target=cdn.serve_forever, daemon=True).start()
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"fake hub: {repo} at http://127.0.0.1:{port} (commit {commit}, {len(files)} files)", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("port", type=int, help="the Hub's port; its CDN listens on the next one")
    parser.add_argument("repo_id", help="repository id it serves, e.g. BAAI/bge-reranker-v2-m3")
    parser.add_argument("folder", help="local folder whose files are the repository's")
    args = parser.parse_args()
    main(args.port, args.repo_id, args.folder)
