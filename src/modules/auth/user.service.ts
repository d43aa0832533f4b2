import type { User, UserRepository } from './auth.ports';

/** Reads of the user object; a cache can be put in front through `reader`. */
export class UserService {
  constructor(private readonly users: Pick<UserRepository, 'findById'>) {}

  get(id: string): Promise<User | undefined> {
    return this.users.findById(id);
  }
}
