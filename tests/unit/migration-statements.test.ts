import { migrations } from '../../src/store/sql/migrations';
import { statementsOf } from '../../src/store/sql/sql-store';

describe('migration statements', () => {
  it('when a line ends with ;, then a new statement starts there', () => {
    expect(statementsOf('CREATE TABLE a (x int);\nCREATE INDEX a_x ON a (x);\n')).toEqual([
      'CREATE TABLE a (x int)',
      'CREATE INDEX a_x ON a (x)',
    ]);
  });

  it('when a function body is dollar-quoted, then its own statements stay inside it', () => {
    const sql =
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  PERFORM 1;\n  RETURN 2;\nEND\n$fn$;\nSELECT 3;\n';
    expect(statementsOf(sql)).toEqual([
      'CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$\nBEGIN\n  PERFORM 1;\n  RETURN 2;\nEND\n$fn$',
      'SELECT 3',
    ]);
  });

  it('when the shipped migrations are split, then each function is one statement and none is empty', () => {
    for (const m of migrations) {
      const statements = statementsOf(m.sql);
      expect(statements.length).toBeGreaterThan(0);
      for (const s of statements) {
        expect((s.match(/\$fn\$/g) ?? []).length % 2).toBe(0);
      }
    }
    expect(statementsOf(migrations.find((m) => m.id === 4)?.sql ?? '')).toHaveLength(1);
  });
});
