import { SuccessResponse } from '../../common/http/api-response.docs';

export class SkillsResponse extends SuccessResponse {
  /** The predefined skills, in the order the SPA shows them. @example ["React", "Node.js", "Go"] */
  data!: string[];
}
