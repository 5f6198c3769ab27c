// What the Mastodon-shaped test peer (mastodon-peer.ts) offers tests and records.
import type { Actor } from "@fedify/vocab";

export interface PeerStatus {
  uri: string;
  type: string;
  attributedTo: string;
  content: string;
  name: string | null;
  /** Actors whose Announce put it on someone's timeline here. */
  boostedBy: string[];
  edited: boolean;
}

export interface PeerReceived {
  type: string;
  actor: string | null;
  objectType: string | null;
  objectId: string | null;
  inbox: string;
  /** Why it changed nothing here, when it did not. */
  ignored: string | null;
}

export interface MastodonPeer {
  origin: string;
  host: string;
  /** Creates a local account; its handle is `@name@host`. */
  addUser(name: string, profile?: { bio?: string; fields?: Record<string, string> }): Promise<{ uri: string; handle: string }>;
  /** Sends a Follow from a local account; resolves when the target accepted. */
  follow(name: string, targetUri: string): Promise<void>;
  /** A local account posts a public Note to `to` (a group, say); it is served at its id. */
  publish(name: string, content: string, to: string): Promise<string>;
  /** The author edits a Note `publish` made; the Update goes to `to` as the Create did. */
  edit(name: string, uri: string, content: string, to: string): Promise<void>;
  /** The author deletes a Note `publish` made. */
  remove(name: string, uri: string, to: string): Promise<void>;
  /** A local account likes (favourites) a post; the Like goes to the post's author. */
  like(name: string, postUri: string, authorUri: string): Promise<void>;
  /** Looks an actor up the way Mastodon's search does (by URI), signed. */
  lookupActor(uri: string): Promise<Actor | null>;
  statuses: Map<string, PeerStatus>;
  notifications: Array<{ user: string; type: "mention"; statusUri: string }>;
  received: PeerReceived[];
  /** Activities answered 500 (ForgeFed): the raw JSON. */
  refused: unknown[];
  close(): Promise<void>;
}
