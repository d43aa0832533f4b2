import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  KeyObject,
  randomBytes,
  createHash,
} from 'node:crypto';
import { errors, exportJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { LRUCache } from 'lru-cache';
import { v4 as uuidv4 } from 'uuid';
import { AppError } from '../../platform/errors/app-error';
import type { Clock } from '../../platform/clock';
import { deriveKey, ed25519FromSeed, sha256Hex } from '../../platform/secrets';

export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: number;
}

/**
 * How the session was authenticated (docs/api.md, "Assurance levels"): `aal`, `amr` (RFC 8176)
 * and `auth_time` (seconds) in every access token, so a resource server can demand AAL2 itself.
 */
export interface AssuranceClaims {
  aal: 'aal1' | 'aal2';
  amr: string[];
  authTime: number;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface TokenServiceOptions {
  secret: string;
  privateKeysPem: string[];
  issuer: string;
  audience: string;
  accessTtlSeconds: number;
  clock: Clock;
}

const MAX_TOKEN_LENGTH = 4096;
const CLOCK_TOLERANCE_SECONDS = 60;
export const ACCESS_TOKEN_TYPE = 'at+jwt';

const invalidToken = () => new AppError('invalid_token');

function toSigningKey(privateKey: KeyObject): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('JWT_PRIVATE_KEYS must be Ed25519 keys');
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'der', type: 'spki' });
  const kid = createHash('sha256').update(raw).digest('base64url').slice(0, 16);
  return { kid, privateKey, publicKey };
}

/**
 * Access tokens (EdDSA JWT, RFC 9068 `at+jwt`) and refresh-token arithmetic.
 *
 * Verification pins the algorithm and resolves keys only from our own key set by `kid`:
 * `alg: none`, HS/RS confusion and keys named in the header (`jwk`, `jku`, `x5u`) can never
 * be used. Successful verifications are cached by the whole token, never beyond its `exp`,
 * because an Ed25519 verify costs more than the rest of a /users/me request.
 */
export class TokenService {
  private readonly keys: SigningKey[];
  private readonly byKid: Map<string, SigningKey>;
  private readonly refreshKey: Buffer;
  private readonly verified = new LRUCache<string, AccessClaims>({ max: 10_000 });

  constructor(private readonly options: TokenServiceOptions) {
    const fromPem = options.privateKeysPem.map((pem) => toSigningKey(createPrivateKey(pem)));
    this.keys =
      fromPem.length > 0
        ? fromPem
        : [toSigningKey(ed25519FromSeed(deriveKey(options.secret, 'jwt-ed25519')))];
    this.byKid = new Map(this.keys.map((k) => [k.kid, k]));
    this.refreshKey = deriveKey(options.secret, 'refresh-chain');
  }

  get accessTtlSeconds(): number {
    return this.options.accessTtlSeconds;
  }

  async signAccessToken(userId: string, sessionId: string, level?: AssuranceClaims): Promise<string> {
    const key = this.keys[0];
    const now = Math.floor(this.options.clock.now().getTime() / 1000);
    const assurance = level ? { aal: level.aal, amr: level.amr, auth_time: level.authTime } : {};
    return new SignJWT({ sid: sessionId, ...assurance })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: ACCESS_TOKEN_TYPE })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(userId)
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.accessTtlSeconds)
      .setJti(uuidv4())
      .sign(key.privateKey);
  }

  /**
   * Returns the token's claims or throws 401 invalid_token, or 401 token_expired past `exp` plus
   * the 60 s leeway; never a 500 for any input.
   */
  async verifyAccessToken(token: string): Promise<AccessClaims> {
    const nowMs = this.options.clock.now().getTime();
    const cached = this.verified.get(token);
    if (cached) {
      if (cached.expiresAt * 1000 + CLOCK_TOLERANCE_SECONDS * 1000 > nowMs) return cached;
      this.verified.delete(token);
    }
    if (token.length > MAX_TOKEN_LENGTH || token.split('.').length !== 3) throw invalidToken();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(
        token,
        (header) => {
          const key = typeof header.kid === 'string' ? this.byKid.get(header.kid) : undefined;
          if (!key) throw new Error('unknown kid');
          return key.publicKey;
        },
        {
          algorithms: ['EdDSA'],
          issuer: this.options.issuer,
          audience: this.options.audience,
          typ: ACCESS_TOKEN_TYPE,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(nowMs),
          requiredClaims: ['exp', 'iat', 'sub', 'jti', 'sid'],
        },
      ));
    } catch (err) {
      // Only a token that is otherwise valid reaches the exp check: its signature was verified.
      throw err instanceof errors.JWTExpired ? new AppError('token_expired') : invalidToken();
    }
    if (
      typeof payload.sub !== 'string' ||
      typeof payload.sid !== 'string' ||
      typeof payload.exp !== 'number'
    ) {
      throw invalidToken();
    }
    if (typeof payload.iat === 'number' && payload.iat > nowMs / 1000 + CLOCK_TOLERANCE_SECONDS)
      throw invalidToken();
    const claims: AccessClaims = { userId: payload.sub, sessionId: payload.sid, expiresAt: payload.exp };
    this.verified.set(token, claims, {
      ttl: Math.max(1, payload.exp * 1000 + CLOCK_TOLERANCE_SECONDS * 1000 - nowMs),
    });
    return claims;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const keys = await Promise.all(
      this.keys.map(async (k) => ({
        ...(await exportJWK(k.publicKey)),
        kid: k.kid,
        alg: 'EdDSA',
        use: 'sig',
      })),
    );
    return { keys };
  }

  /** 256 random bits, base64url: the first refresh token of a session. */
  newRefreshToken(): string {
    return randomBytes(32).toString('base64url');
  }

  /**
   * The successor of a refresh token is a keyed hash of it, so a just-rotated token presented
   * again inside the grace window gets the very same successor without storing it anywhere.
   */
  successorOf(refreshToken: string): string {
    return createHmac('sha256', this.refreshKey).update(refreshToken).digest('base64url');
  }

  hashRefreshToken(refreshToken: string): string {
    return sha256Hex(refreshToken);
  }
}
