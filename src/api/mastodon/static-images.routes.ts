// Default avatar and header images, so Mastodon clients always get an image
// URL (they break on null). Plain coloured PNGs, generated once, no files.
import type { FastifyInstance } from "fastify";

const AVATAR = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAADAAAAAwCAIAAADYYG7QAAAAQklEQVR4nO3OMQ0AIBAAsffLhBIs44JjaFIBnXX2VyYfCAkJCdUDISEhoXogJCQkVA+EhISE6oGQkJBQPRASEnrsAtfsw7VMZDofAAAAAElFTkSuQmCC", "base64");
const HEADER = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAGAAAAAgCAIAAABiouoDAAAATklEQVR4nO3QsQkAIBDAwN9/Q8HSQdzA1hQHGSDcrLP1aL4fxAMECBAgQOEAAQIECFA4QIAAAQIUDhAgQIAAhQMECBAgQOEAAQIECFC4C7+lLdJznxPuAAAAAElFTkSuQmCC", "base64");

export const DEFAULT_AVATAR_PATH = "/static/avatar.png";
export const DEFAULT_HEADER_PATH = "/static/header.png";

export function registerStaticImages(fastify: FastifyInstance): void {
  for (const [path, image] of [[DEFAULT_AVATAR_PATH, AVATAR], [DEFAULT_HEADER_PATH, HEADER]] as const) {
    fastify.get(path, async (_request, reply) =>
      reply.type("image/png").header("cache-control", "public, max-age=86400").send(image),
    );
  }
}
