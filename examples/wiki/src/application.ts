/**
 * The Wiki application: pages found by name, and renamed. A page and its index are saved
 * together, all or nothing: creating (or renaming to) a name that is taken records nothing,
 * because the new index conflicts with the existing one.
 */
import { Application } from "@es/application";
import { Index, Page } from "./domain-model.js";

export class PageNotFoundError extends Error {
  override name = "PageNotFoundError";
}

export class Wiki extends Application {
  /** Creates a page; resolves to the notification ids of what was saved (for `waitFor`). */
  createPage(name: string, body: string, author?: string): Promise<readonly number[]> {
    const page = Page.create(name, body, author);
    const index = Index.create(page.name, page.id);
    return this.save(page, index);
  }

  async renamePage(name: string, newName: string): Promise<readonly number[]> {
    const page = await this.getPage(name);
    page.updateName(newName);
    const index = Index.create(page.name, page.id);
    return this.save(page, index);
  }

  async updateBody(name: string, body: string): Promise<readonly number[]> {
    const page = await this.getPage(name);
    page.updateBody(body);
    return this.save(page);
  }

  async getPage(name: string): Promise<Page> {
    const index = await this.repository.get<Index>(Index.createId(name));
    if (!index.ref) throw new PageNotFoundError(`No page named ${name}`);
    return this.repository.get<Page>(index.ref);
  }
}
