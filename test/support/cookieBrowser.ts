/** A browser's cookie jar for one site, as far as these tests need one. */
export class CookieBrowser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  async fetch(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(new URL(path, this.base), {
      redirect: 'manual',
      ...init,
      headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string>) },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  signIn(body: Record<string, string>) {
    return this.fetch('/console/session', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  /** A GraphQL request with the session, and its CSRF header unless given another (or null). */
  async graphql(query: string, given?: { csrf: string | null }) {
    const csrf = given ? given.csrf : this.cookies.get('gantry_csrf');
    const response = await this.fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(csrf == null ? {} : { 'x-gantry-csrf': csrf }),
      },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      ...((await response.json()) as {
        data?: Record<string, unknown>;
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      }),
    };
  }
}
