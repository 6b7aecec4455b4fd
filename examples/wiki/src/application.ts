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
  async createPage(name: string, body: string): Promise<void> {
    const page = Page.create(name, body);
    const index = Index.create(page.name, page.id);
    await this.save(page, index);
  }

  async renamePage(name: string, newName: string): Promise<void> {
    const page = await this.getPage(name);
    page.updateName(newName);
    const index = Index.create(page.name, page.id);
    await this.save(page, index);
  }

  async getPage(name: string): Promise<Page> {
    const index = await this.repository.get<Index>(Index.createId(name));
    if (!index.ref) throw new PageNotFoundError(`No page named ${name}`);
    return this.repository.get<Page>(index.ref);
  }
}
